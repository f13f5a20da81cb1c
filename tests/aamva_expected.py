"""What each AAMVA payload among the test data holds, read by hand from the files.

Used by the parser tests and by ``scripts/compare_aamva_parsers.py``. Each row:
file (relative to the data folder), first, middle, last, date of birth,
jurisdiction, last four letters or digits of the document number, expiry date.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from tests.support import PUBLIC, SCANS

IDPARSER = PUBLIC / "aamva" / "idparser"


class CardFacts(NamedTuple):
    first: str
    middle: str
    last: str
    born: date
    jurisdiction: str
    last4: str
    expires: date | None


# The public files are third-party samples (placeholder people). Names follow
# the expectations of the project they come from (for example "JOHN P SMITH"
# is first JOHN, middle P, last SMITH).
PUBLIC_CARDS: dict[str, CardFacts] = {
    "Ids/TN.txt": CardFacts(
        "ELIZABETH",
        "MOTORIST",
        "SMITH",
        date(1961, 12, 13),
        "TN",
        "5955",
        date(2026, 2, 6),
    ),
    "Invalid Header.txt": CardFacts(
        "MICHAEL", "G", "MOTORIST", date(1961, 2, 4), "CT", "5434", date(2023, 2, 4)
    ),
    "Leading Whitespace.txt": CardFacts(
        "MOTORIST", "R", "SHEEHAN", date(1939, 12, 7), "MA", "9477", date(2018, 12, 7)
    ),
    "Licenses/AB.txt": CardFacts(
        "MARY", "SMITH", "MOTORIST", date(1993, 2, 4), "AB", "0056", date(2019, 1, 8)
    ),
    "Licenses/CO.txt": CardFacts(
        "MICHAEL",
        "CODY",
        "MOTORIST",
        date(1992, 7, 13),
        "CO",
        "7033",
        date(2018, 7, 13),
    ),
    "Licenses/CT Undefined Characters.txt": CardFacts(
        "WENDY",
        "SMITH",
        "MOTORIST",
        date(1966, 1, 26),
        "CT",
        "6780",
        date(2026, 1, 26),
    ),
    "Licenses/CT Web Browser.txt": CardFacts(
        "ADULT", "A", "CTLIC", date(1961, 1, 1), "CT", "0001", date(2015, 1, 1)
    ),
    "Licenses/DE.txt": CardFacts(
        "MOTORIST", "", "TESTER", date(1989, 9, 9), "DE", "4873", date(2019, 1, 9)
    ),
    "Licenses/GA.txt": CardFacts(
        "JANICE", "", "SAMPLE", date(1957, 7, 1), "GA", "0001", date(2013, 2, 1)
    ),
    "Licenses/IL.txt": CardFacts(
        "SUSAN", "T", "MOTORIST", date(1969, 6, 27), "IL", "9784", date(2021, 6, 27)
    ),
    "Licenses/KS.txt": CardFacts(
        "JOEY",
        "SMITH",
        "MOTORIST",
        date(1980, 1, 26),
        "KS",
        "5990",
        date(2023, 1, 26),
    ),
    "Licenses/MA 2016.txt": CardFacts(
        "MORRIS", "T", "SAMPLE", date(1971, 12, 31), "MA", "5678", date(2021, 8, 16)
    ),
    "Licenses/MS.txt": CardFacts(
        "MICHAEL",
        "PATRICK",
        "MOTORIST",
        date(1963, 5, 7),
        "MS",
        "8123",
        date(2022, 5, 7),
    ),
    "Licenses/MT.txt": CardFacts(
        "MARY", "ROSE", "TESTER", date(1994, 5, 14), "MT", "9117", date(2023, 5, 14)
    ),
    "Licenses/ND.txt": CardFacts(
        "MICHAEL", "DOE", "MOTORIST", date(1985, 7, 4), "ND", "2345", date(2019, 7, 4)
    ),
    "Licenses/NH.txt": CardFacts(
        "DONNIE", "G", "TESTER", date(1977, 11, 6), "NH", "8755", date(2022, 11, 6)
    ),
    "Licenses/NY.txt": CardFacts(
        "M",
        "Motorist",
        "Michael",
        date(2013, 8, 31),
        "NY",
        "NONE",
        date(2013, 8, 31),
    ),
    "Licenses/ON.txt": CardFacts(
        "MARY", "ANN", "TESTER", date(1996, 6, 3), "ON", "5702", date(2020, 6, 3)
    ),
    "Licenses/PA 2016.txt": CardFacts(
        "CAPTAIN",
        "JACK",
        "MORGAN",
        date(1960, 5, 22),
        "PA",
        "1776",
        date(2021, 5, 23),
    ),
    "Licenses/PA.txt": CardFacts(
        "JOHN", "P", "SMITH", date(1986, 2, 2), "PA", "8765", date(2020, 2, 3)
    ),
    "Licenses/VT.txt": CardFacts(
        "BOBBY", "L", "TABLES", date(1978, 8, 9), "VT", "5728", date(2018, 8, 9)
    ),
}

# The kiosk's own fictional licences.
FIXTURE_CARDS: dict[str, CardFacts] = {
    "dl_ca_P018_ontario.bin": CardFacts(
        "ELODIE", "", "TREMBLAY", date(1993, 9, 15), "ON", "0018", date(2029, 5, 1)
    ),
    "dl_v10_P002.bin": CardFacts(
        "DANIEL", "", "O'CONNOR", date(1979, 11, 2), "MO", "0002", date(2029, 5, 1)
    ),
    "dl_v1_P016_full_name.bin": CardFacts(
        "JOHN", "A", "MILLER", date(1975, 9, 30), "MO", "0016", date(2029, 9, 30)
    ),
    "dl_v3_P015_given_names.bin": CardFacts(
        "JOHN", "ROBERT", "MILLER", date(1980, 4, 12), "KS", "0015", date(2028, 4, 12)
    ),
    "dl_v8_P001.bin": CardFacts(
        "MARIA JOSE",
        "",
        "NUNEZ-GARCIA",
        date(1988, 3, 14),
        "MO",
        "0001",
        date(2029, 5, 1),
    ),
    "dl_v8_P001_wedge_cr.bin": CardFacts(
        "MARIA JOSE",
        "",
        "NUNEZ-GARCIA",
        date(1988, 3, 14),
        "MO",
        "0001",
        date(2029, 5, 1),
    ),
    "dl_v8_unknown_person.bin": CardFacts(
        "PAT", "", "UNLISTED", date(1977, 7, 7), "MO", "0000", date(2029, 5, 1)
    ),
    "dl_v9_P017_truncated.bin": CardFacts(
        "CHRISTOPHER",
        "ALEXANDER",
        "MONTGOMERY-FITZGERAL",
        date(1983, 11, 11),
        "MO",
        "0017",
        date(2029, 5, 1),
    ),
}


def read_public(name: str) -> str:
    """Return a public sample as text; several start with a UTF-8 byte order mark."""
    return (IDPARSER / name).read_bytes().decode("utf-8")


def read_fixture(name: str) -> str:
    return (SCANS / name).read_bytes().decode("utf-8")
