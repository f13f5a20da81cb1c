"""Build AAMVA DL/ID card data for tests, and mangle it the way scanners do.

Every card built here is fictional. ``encode`` lays out a payload as the AAMVA
standard describes it. The header is ``@``, LF, RS, CR, the file type, the
issuer number (IIN), the version, and the subfile designator with its offset
and length. The subfile (``DL`` or ``ID``) follows with one element per line
and a CR at its end.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

LF, CR, RS = "\n", "\r", "\x1e"

ISSUERS = {"MO": "636030", "KS": "636022", "IL": "636035", "ON": "636012"}


@dataclass(frozen=True)
class Card:
    first: str = "JORDAN"
    middle: str = ""
    last: str = "EXAMPLE"
    born: date = date(1985, 6, 15)
    expires: date | None = date(2030, 6, 15)
    jurisdiction: str = "MO"
    number: str = "E12345678"
    version: int = 10
    canadian: bool = False
    document_type: str = "DL"
    last_truncated: bool = False
    first_truncated: bool = False
    middle_truncated: bool = False

    @property
    def iin(self) -> str:
        return ISSUERS.get(self.jurisdiction, "636099")

    def but(self, **changes: object) -> Card:
        return replace(self, **changes)  # type: ignore[arg-type]


def _date(day: date, year_first: bool) -> str:
    if year_first:
        return day.strftime("%Y%m%d")
    return day.strftime("%m%d%Y")


def _flag(truncated: bool) -> str:
    return "T" if truncated else "N"


def elements(card: Card) -> list[tuple[str, str]]:
    """Return the card's data elements in the order a jurisdiction might write them."""
    year_first = card.version == 1 or card.canadian
    items: list[tuple[str, str]] = [("DAQ", card.number)]
    if card.version == 1:
        name = f"{card.last},{card.first}" + (f",{card.middle}" if card.middle else "")
        items.append(("DAA", name))
    elif card.version in (2, 3):
        given = card.first + (f",{card.middle}" if card.middle else "")
        items += [("DCS", card.last), ("DCT", given)]
    else:
        items += [
            ("DCS", card.last),
            ("DAC", card.first),
            ("DAD", card.middle or "NONE"),
            ("DDE", _flag(card.last_truncated)),
            ("DDF", _flag(card.first_truncated)),
            ("DDG", _flag(card.middle_truncated)),
        ]
    items += [
        ("DAG", "100 EXAMPLE ST"),
        ("DAI", "SPRINGFIELD"),
        ("DAJ", card.jurisdiction),
        ("DAK", "640000000  "),
        ("DBB", _date(card.born, year_first)),
        ("DBD", _date(date(2022, 5, 1), year_first)),
        ("DBC", "2"),
        ("DAY", "BRO"),
        ("DAU", "066 IN"),
    ]
    if card.expires is not None:
        items.append(("DBA", _date(card.expires, year_first)))
    if card.version >= 2:
        country = "CAN" if card.canadian else "USA"
        items += [("DCF", "0000000000000000"), ("DCG", country)]
    if card.document_type == "DL":
        items += [("DCA", "F"), ("DCB", "NONE"), ("DCD", "NONE")]
    return items


def encode(
    card: Card,
    *,
    order: Callable[[list[tuple[str, str]]], list[tuple[str, str]]] | None = None,
    file_type: str = "ANSI ",
) -> str:
    """Lay the card out as a scanner reads it off the PDF417 symbol."""
    items = elements(card)
    if order is not None:
        items = order(items)
    subfile = card.document_type + LF.join(code + value for code, value in items) + CR
    entries = "01"
    header_size = len("@" + LF + RS + CR + file_type) + len(card.iin) + 2
    if card.version >= 2:
        header_size += 2  # jurisdiction version
    offset = header_size + len(entries) + 10
    designator = f"{card.document_type}{offset:04d}{len(subfile):04d}"
    jurisdiction_version = "00" if card.version >= 2 else ""
    return (
        f"@{LF}{RS}{CR}{file_type}{card.iin}{card.version:02d}"
        f"{jurisdiction_version}{entries}{designator}{subfile}"
    )


def shuffled(seed: int) -> Callable[[list[tuple[str, str]]], list[tuple[str, str]]]:
    def order(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
        items = list(items)
        random.Random(seed).shuffle(items)
        return items

    return order


def lf_to_cr(text: str) -> str:
    """What a keyboard-wedge scanner that sends Enter for LF delivers."""
    return text.replace(LF, CR)


def lf_to_crlf(text: str) -> str:
    return text.replace(LF, CR + LF)


def drop_rs(text: str) -> str:
    return text.replace(RS, "")


def trailing_spaces(text: str) -> str:
    """Pad every element value with spaces, as fixed-width issuers do."""
    return text.replace(LF, "   " + LF).replace(CR, "  " + CR)


MANGLERS: dict[str, Callable[[str], str]] = {
    "lf_to_cr": lf_to_cr,
    "lf_to_crlf": lf_to_crlf,
    "drop_rs": drop_rs,
    "trailing_spaces": trailing_spaces,
}
