"""Read the AAMVA DL/ID card data that a PDF417 scan of a licence or ID card delivers.

The payload starts with a header: ``@``, separators, the file type ``ANSI ``
or ``AAMVA``, the issuer identification number (IIN), the AAMVA version and
the subfile designators. A ``DL`` or ``ID`` subfile follows, with one data
element per line, each a three-letter element id and its value. Elements are
read by id, never by position. The separators between them may be LF, CR,
CRLF, RS or any other control character a scanner puts there. Versions 1 to 10 are
read the same way. Only the names differ: version 1 has the full name in
``DAA`` (or ``DAB``/``DAC``/``DAD``), versions 2 and 3 the family name in
``DCS`` and the given names in ``DCT``, and later versions ``DCS``, ``DAC``
and ``DAD``.

Only what matching needs is kept: names, date of birth, issuing jurisdiction,
the last four characters of the document number and the expiry date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

SUPPORTED_VERSIONS = range(1, 11)
"""AAMVA versions 1 (DL/ID-2000) to 10 (CDS 2020)."""

_LEADING_JUNK = "\ufeff \t\r\n\x0b\x0c"
# Between "@" and the file type the standard puts LF, RS and CR. Scanners
# change them: into other control characters, white space (up to 32 of those
# are allowed), or the key of their Ctrl combination ("6" for RS, "M" for CR;
# up to 8 characters of anything are allowed).
_HEADER = re.compile(
    r"@(?P<separators>[^A-Z]{0,32}?|.{0,8}?)(?P<filetype>ANSI ?|AAMVA)"
    r"(?P<iin>[0-9]{6})(?P<version>[0-9]{2})",
    re.ASCII | re.DOTALL,
)
_SUBFILE_START = re.compile(r"(?:DL|ID)(?=D[A-Z]{2})")
# Some version 1 cards start the subfile data without repeating its type, so
# the first element follows the designator ("DL" + offset + length) directly.
_SUBFILE_AFTER_DESIGNATOR = re.compile(r"(?:DL|ID)[0-9]{8}(?=D[A-Z]{2})")
_SEPARATORS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_ELEMENT = re.compile(r"(D[A-Z]{2})(.*)", re.ASCII | re.DOTALL)
_EIGHT_DIGITS = re.compile(r"[0-9]{8}", re.ASCII)
_TRACK2_ISSUER = re.compile(r";([0-9]{6})", re.ASCII)
_ANY_ISSUER = re.compile(r"(636[0-9]{3}|604[0-9]{3})", re.ASCII)
_NAME_PARTS = re.compile(r"[,\s]+")


class AamvaError(Exception):
    """The payload is not card data we can read.

    ``reason`` is a code (``layout_not_supported``, ``missing_element:DBB``...)
    that never contains a value read from the card, so it may be logged.
    """

    def __init__(self, reason: str, issuer: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.issuer = issuer
        """Issuer identification number (IIN) when it could be read."""


@dataclass(frozen=True)
class Licence:
    """The fields of a licence or ID card that matching uses.

    Personal fields are left out of ``repr`` so that a stray log of the object
    cannot carry them.
    """

    first_name: str = field(repr=False)
    middle_name: str = field(repr=False)
    last_name: str = field(repr=False)
    date_of_birth: date = field(repr=False)
    jurisdiction: str
    number_last4: str = field(repr=False)
    """Last four letters or digits of the document number (spaces and
    hyphens left out)."""
    expires_on: date | None = field(repr=False)
    last_name_truncated: bool = False
    first_name_truncated: bool = False
    middle_name_truncated: bool = False
    full_name: str = field(default="", repr=False)
    """A version 1 full name without commas (``JOHN P SMITH``), whose split
    into given and family names is a guess; matching also tries it whole."""
    issuer: str = ""
    version: int = 0
    document_type: str = "DL"
    """``DL`` (driver's licence) or ``ID`` (identification card)."""


def looks_like_licence(text: str) -> bool:
    """Tell whether a scan is meant as licence data, readable or not.

    True for AAMVA barcode data and for magnetic-stripe track data (``%...^``
    or ``;636...=``), which this parser does not read.
    """
    text = text.lstrip(_LEADING_JUNK)
    head = text[:40]
    if head.startswith("@"):
        return "ANSI" in head or "AAMVA" in head
    if head.startswith("%"):
        return "^" in text
    return bool(_TRACK2_ISSUER.match(head)) and "=" in text


def parse(text: str) -> Licence:
    """Parse AAMVA card data, or raise AamvaError."""
    text = text.lstrip(_LEADING_JUNK)
    if text[:1] in ("%", ";"):
        raise AamvaError("magnetic_stripe_layout", _find_issuer(text))
    if not text.startswith("@"):
        raise AamvaError("layout_not_supported", _find_issuer(text))
    if "\x00" in text:
        raise AamvaError("invalid_character", _find_issuer(text))
    header = _HEADER.match(text)
    if header is None:
        raise AamvaError("header_invalid", _find_issuer(text))
    issuer = header.group("iin")
    version = int(header.group("version"))
    if version not in SUPPORTED_VERSIONS:
        raise AamvaError(f"version_not_supported:{version:02d}", issuer)
    document_type, elements = _elements(text[header.end() :], issuer)
    return _build(elements, issuer, version, document_type)


def _find_issuer(text: str) -> str | None:
    found = _TRACK2_ISSUER.search(text) or _ANY_ISSUER.search(text)
    return found.group(1) if found else None


def _elements(rest: str, issuer: str) -> tuple[str, dict[str, str]]:
    """Return the subfile type and its elements by id (the first of each id)."""
    start = _SUBFILE_START.search(rest)
    if start is None:
        start = _SUBFILE_AFTER_DESIGNATOR.search(rest)
    if start is None:
        raise AamvaError("subfile_not_found", issuer)
    document_type = start.group()[:2]
    elements: dict[str, str] = {}
    for token in _SEPARATORS.split(rest[start.end() :]):
        match = _ELEMENT.fullmatch(token.lstrip(" "))
        if match is not None and match.group(1) not in elements:
            elements[match.group(1)] = match.group(2).strip()
    return document_type, elements


def _date(value: str) -> date | None:
    """Read an AAMVA date in either order: MMDDCCYY (United States, versions 2
    and later) or CCYYMMDD (Canada, and version 1).

    Both orders cannot give a valid date with a year from 1900 to 2199,
    because the month of one would be the 19, 20 or 21 of the other's
    century. So the reading that gives a valid date is the right one.
    """
    value = value.strip()
    if not _EIGHT_DIGITS.fullmatch(value):
        return None
    for year, month, day in (
        (value[4:], value[:2], value[2:4]),
        (value[:4], value[4:6], value[6:]),
    ):
        if 1900 <= int(year) <= 2199:
            try:
                return date(int(year), int(month), int(day))
            except ValueError:
                continue
    return None


def _name(value: str | None) -> str:
    value = (value or "").strip().strip(",").strip()
    return "" if value.upper() == "NONE" else value


def _split_given(value: str) -> tuple[str, str]:
    """Split a given-names field (``JOHN,ROBERT`` or ``MARY ROSE``) into the
    first name and the rest."""
    parts = [part for part in _NAME_PARTS.split(_name(value)) if part]
    if not parts:
        return "", ""
    return parts[0], " ".join(parts[1:])


def _split_full_name(value: str) -> tuple[str, str, str, str]:
    """Split a version 1 full name into first, middle, last and the whole.

    With commas it is ``LAST,FIRST,MIDDLE``. Without commas some issuers write
    ``FIRST MIDDLE LAST``. The whole is kept too, because a family name of
    more than one word looks the same as a middle name there.
    """
    value = _name(value)
    if "," in value:
        parts = [part.strip() for part in value.split(",")]
        last = parts[0]
        first = parts[1] if len(parts) > 1 else ""
        return first, " ".join(p for p in parts[2:] if p), last, ""
    words = value.split()
    if len(words) < 2:
        return "", "", value, ""
    return words[0], " ".join(words[1:-1]), words[-1], value


def _names(elements: dict[str, str]) -> tuple[str, str, str, str]:
    first = middle = last = full = ""
    if "DAA" in elements:
        first, middle, last, full = _split_full_name(elements["DAA"])
    if "DCS" in elements or "DAB" in elements:
        last = _name(elements.get("DCS") or elements.get("DAB"))
        full = ""
    if "DAC" in elements:
        first, middle = _name(elements["DAC"]), _name(elements.get("DAD"))
        full = ""
    elif "DCT" in elements:
        first, middle = _split_given(elements["DCT"])
        full = ""
    return first, middle, last, full


def _build(
    elements: dict[str, str], issuer: str, version: int, document_type: str
) -> Licence:
    first, middle, last, full = _names(elements)
    if not last:
        raise AamvaError("missing_element:DCS", issuer)
    if not first:
        raise AamvaError("missing_element:DAC", issuer)
    if "DBB" not in elements:
        raise AamvaError("missing_element:DBB", issuer)
    born = _date(elements["DBB"])
    if born is None:
        raise AamvaError("invalid_date:DBB", issuer)
    number = "".join(
        ch for ch in elements.get("DAQ", "") if ch.isascii() and ch.isalnum()
    )
    if not number:
        raise AamvaError("missing_element:DAQ", issuer)
    return Licence(
        first_name=first,
        middle_name=middle,
        last_name=last,
        date_of_birth=born,
        jurisdiction=elements.get("DAJ", "").strip().upper(),
        number_last4=number[-4:].upper(),
        # A missing or unreadable expiry date only loses the expiry notice.
        expires_on=_date(elements.get("DBA", "")),
        last_name_truncated=_truncated(elements.get("DDE")),
        first_name_truncated=_truncated(elements.get("DDF")),
        middle_name_truncated=_truncated(elements.get("DDG")),
        full_name=full,
        issuer=issuer,
        version=version,
        document_type=document_type,
    )


def _truncated(flag: str | None) -> bool:
    """Read a truncation flag: ``T`` truncated, ``N`` not, ``U`` unknown."""
    return (flag or "").strip().upper() == "T"
