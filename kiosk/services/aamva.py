"""Read the AAMVA DL/ID card data a PDF417 scan of a licence delivers.

Only what matching needs is kept: names, date of birth, issuing jurisdiction,
the last four characters of the document number and the expiry date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_HEADER = re.compile(
    r"^@[\n\r\x1e]*(?P<filetype>ANSI |AAMVA)\s?(?P<iin>\d{6})(?P<version>\d{2})"
)
_ISSUER_IN_TRACK = re.compile(r"(6360\d\d|6040\d\d)")
_ELEMENT = re.compile(r"^(?P<id>[A-Z]{3})(?P<value>.*)$", re.DOTALL)
_SEPARATORS = re.compile(r"[\n\r\x1e]+")

CANADIAN_JURISDICTIONS = frozenset(
    ["AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"]
)


class AamvaError(Exception):
    """The payload is not card data we can read."""

    def __init__(self, reason: str, issuer: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.issuer = issuer
        """Issuer identification number (IIN) when it could be read."""


@dataclass(frozen=True)
class Licence:
    first_name: str
    middle_name: str
    last_name: str
    date_of_birth: date
    jurisdiction: str
    number_last4: str
    expires_on: date | None
    last_name_truncated: bool = False
    first_name_truncated: bool = False
    middle_name_truncated: bool = False
    issuer: str = ""
    version: int = 0


def looks_like_licence(text: str) -> bool:
    """Tell whether a scan is meant as AAMVA card data (readable or not)."""
    head = text[:40]
    return (head.startswith("@") and ("ANSI" in head or "AAMVA" in head)) or (
        head.startswith("%") and "^" in text
    )


def parse(text: str) -> Licence:
    """Parse AAMVA card data, or raise AamvaError."""
    header = _HEADER.match(text)
    if header is None:
        found = _ISSUER_IN_TRACK.search(text)
        raise AamvaError("layout_not_supported", found.group(1) if found else None)
    issuer = header.group("iin")
    version = int(header.group("version"))
    elements = _elements(text[header.end() :])
    try:
        return _build(elements, issuer, version)
    except (KeyError, ValueError) as exc:
        raise AamvaError(f"missing_or_invalid:{exc}", issuer) from None


def _elements(body: str) -> dict[str, str]:
    # The subfile starts after the designators with "DL" or "ID" glued to its
    # first element id (for example "DLDAQ...").
    start = re.search(r"(DL|ID)(?=D[A-Z]{2})", body)
    elements: dict[str, str] = {}
    if start is None:
        return elements
    for token in _SEPARATORS.split(body[start.end() :]):
        match = _ELEMENT.match(token)
        if match and match.group("id") not in elements:
            elements[match.group("id")] = match.group("value").strip()
    return elements


def _date(value: str, year_first: bool) -> date:
    value = value.strip()
    if len(value) != 8 or not value.isdigit():
        raise ValueError(value)
    if year_first:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    return date(int(value[4:]), int(value[:2]), int(value[2:4]))


def _name(value: str | None) -> str:
    value = (value or "").strip()
    return "" if value.upper() == "NONE" else value


def _build(elements: dict[str, str], issuer: str, version: int) -> Licence:
    jurisdiction = elements.get("DAJ", "").strip().upper()
    canadian = elements.get("DCG", "").upper() == "CAN" or (
        jurisdiction in CANADIAN_JURISDICTIONS
    )
    year_first = version == 1 or canadian

    if "DCS" in elements:
        last = _name(elements["DCS"])
    else:
        last = _name(elements.get("DAB"))
    if "DAC" in elements:
        first, middle = _name(elements["DAC"]), _name(elements.get("DAD"))
    elif "DCT" in elements:
        given = [part for part in re.split(r"[,\s]+", elements["DCT"]) if part]
        first = given[0] if given else ""
        middle = " ".join(given[1:])
    elif "DAA" in elements:
        parts = [part.strip() for part in elements["DAA"].split(",")]
        last, first = parts[0], parts[1] if len(parts) > 1 else ""
        middle = " ".join(parts[2:])
    else:
        first, middle = "", ""
    if not last or not first:
        raise KeyError("name")

    number = elements["DAQ"].replace(" ", "")
    expires = elements.get("DBA")
    return Licence(
        first_name=first,
        middle_name=_name(middle),
        last_name=last,
        date_of_birth=_date(elements["DBB"], year_first),
        jurisdiction=jurisdiction,
        number_last4=number[-4:],
        expires_on=_date(expires, year_first) if expires else None,
        last_name_truncated=elements.get("DDE", "N").upper() == "T",
        first_name_truncated=elements.get("DDF", "N").upper() == "T",
        middle_name_truncated=elements.get("DDG", "N").upper() == "T",
        issuer=issuer,
        version=version,
    )
