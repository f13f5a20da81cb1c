"""Matching a licence to the roster: pure rules, then through ``kiosk scan``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from kiosk.clock import FixedClock
from kiosk.services import aamva
from kiosk.services.matching import (
    RosterName,
    document_agrees,
    fold_name,
    match_licence,
    names_match,
)
from kiosk.store import Store
from kiosk.store.models import Event
from tests.aamva_cards import Card, encode, lf_to_cr
from tests.support import run_kiosk, run_scan

ROSTER = Path(__file__).parent / "data" / "roster_identify.json"
SCAN_AT = "2026-12-04T08:30"


def _licence(**changes: object) -> aamva.Licence:
    return aamva.parse(encode(Card(**changes)))  # type: ignore[arg-type]


def _person(person_id: str = "X1", **names: str) -> RosterName:
    fields = {"first_name": "Jordan", "middle_name": "", "last_name": "Example"}
    fields.update(names)
    return RosterName(person_id=person_id, **fields)


@pytest.mark.parametrize(
    ("roster", "licence"),
    [
        ("Núñez-García", "NUNEZ GARCIA"),
        ("Núñez-García", "NUNEZGARCIA"),
        ("O'Connor", "OCONNOR"),
        ("O’Connor", "O'CONNOR"),
        ("De La Cruz", "DELACRUZ"),
        ("Élodie", "ELODIE"),
        ("Łukasz", "LUKASZ"),
        ("Søren", "SOREN"),
        ("Strauß", "STRAUSS"),
        ("St. John", "ST JOHN"),
        ("Mary-Kate", "MARY KATE"),
    ],
)
def test_fold_name_equal(roster, licence):
    assert fold_name(roster) == fold_name(licence)


@pytest.mark.parametrize(("one", "other"), [("Ann", "Anne"), ("Lee", "Li")])
def test_fold_name_different(one, other):
    assert fold_name(one) != fold_name(other)


def test_names_match_folded():
    licence = _licence(first="ZOE", last="DAMICO LEVESQUE")
    assert names_match(_person(first_name="Zoë", last_name="D'Amico-Lévesque"), licence)


def test_truncated_last_name_matches_by_prefix():
    licence = _licence(version=9, last="VANDERSLOOT-HAW", last_truncated=True)
    assert names_match(_person(last_name="Vandersloot-Hawthorne"), licence)


def test_truncated_last_name_must_be_prefix():
    licence = _licence(version=9, last="VANDERSLOOT-HAX", last_truncated=True)
    assert not names_match(_person(last_name="Vandersloot-Hawthorne"), licence)


def test_untruncated_prefix_does_not_match():
    licence = _licence(version=9, last="VANDERSLOOT")
    assert not names_match(_person(last_name="Vandersloot-Hawthorne"), licence)


def test_truncated_first_name_matches_by_prefix():
    licence = _licence(version=9, first="BARTHOLOM", first_truncated=True)
    assert names_match(_person(first_name="Bartholomew"), licence)


def test_truncated_middle_name_matches_by_prefix():
    licence = _licence(version=9, middle="IGNAT", middle_truncated=True)
    assert names_match(_person(middle_name="Ignatius"), licence)


@pytest.mark.parametrize(
    ("roster_middle", "licence_middle", "same"),
    [
        ("", "ROBERT", True),
        ("Robert", "", True),
        ("Robert", "R", True),
        ("R", "ROBERT", True),
        ("Robert", "ROBERT LEE", True),
        ("Robert Lee", "ROBERT", True),
        ("Anne-Marie", "ANNE MARIE", True),
        ("Anne", "BETH", False),
        ("Anne", "B", False),
        ("Robert Lee", "ROBERT LOU", False),
    ],
)
def test_middle_names(roster_middle, licence_middle, same):
    licence = _licence(version=10, middle=licence_middle)
    assert names_match(_person(middle_name=roster_middle), licence) is same


def test_given_names_split_differently():
    licence = _licence(version=3, first="MARIA", middle="JOSE")
    assert names_match(_person(first_name="María José"), licence)


def test_full_name_without_commas_compound_surname():
    text = encode(Card(version=1)).replace("DAAEXAMPLE,JORDAN", "DAAANA DE LA CRUZ")
    licence = aamva.parse(text)
    assert names_match(_person(first_name="Ana", last_name="De La Cruz"), licence)
    assert not names_match(_person(first_name="Ana", last_name="De La Rosa"), licence)


def test_different_first_name_does_not_match():
    assert not names_match(_person(first_name="Jordana"), _licence())


def _roster_person(
    person_id: str, jurisdiction: str = "", last4: str = ""
) -> RosterName:
    return RosterName(person_id, "Jordan", "", "Example", jurisdiction, last4)


def test_document_agrees_states():
    licence = _licence(jurisdiction="MO", number="X0001234")
    assert document_agrees(_roster_person("A"), licence) is None
    assert document_agrees(_roster_person("A", "MO", "1234"), licence) is True
    assert document_agrees(_roster_person("A", "mo", "1234"), licence) is True
    assert document_agrees(_roster_person("A", "KS", "1234"), licence) is False
    assert document_agrees(_roster_person("A", "MO", "9999"), licence) is False


def test_match_one_person():
    outcome = match_licence(_licence(), [_roster_person("A")])
    assert outcome.person_id == "A"
    assert outcome.reason is None


def test_match_none():
    outcome = match_licence(_licence(first="PAT"), [_roster_person("A")])
    assert outcome.person_id is None
    assert outcome.reason == "not_on_roster"


def test_match_many_is_ambiguous():
    outcome = match_licence(_licence(), [_roster_person("B"), _roster_person("A")])
    assert outcome.person_id is None
    assert outcome.reason == "ambiguous_match"
    assert outcome.candidates == ("A", "B")


def test_document_picks_person():
    licence = _licence(jurisdiction="MO", number="E0004321")
    people = [_roster_person("A"), _roster_person("B", "MO", "4321")]
    assert match_licence(licence, people).person_id == "B"


def test_document_mismatch_rules_out():
    licence = _licence(jurisdiction="MO", number="E0009999")
    people = [_roster_person("A"), _roster_person("B", "MO", "4321")]
    assert match_licence(licence, people).person_id == "A"


def test_every_document_mismatch_is_not_on_roster():
    licence = _licence(jurisdiction="IL", number="E0003333")
    people = [_roster_person("A", "MO", "1111"), _roster_person("B", "KS", "2222")]
    assert match_licence(licence, people).reason == "not_on_roster"


def test_two_document_matches_are_ambiguous():
    licence = _licence(jurisdiction="MO", number="E0001111")
    people = [_roster_person("A", "MO", "1111"), _roster_person("B", "mo", "1111")]
    assert match_licence(licence, people).reason == "ambiguous_match"


def test_roster_last4_with_separator():
    licence = _licence(jurisdiction="ON", number="123400-056")
    assert match_licence(licence, [_roster_person("A", "ON", "-056")]).person_id == "A"


# Through `kiosk scan`, with a fictional roster of people who share dates of
# birth and names (tests/data/roster_identify.json).


@pytest.fixture
def identify_config(make_config) -> Path:
    config = make_config(school="ALD")
    status, output = run_kiosk(
        ["--config", str(config), "roster", "import", str(ROSTER)]
    )
    assert status == 0, output
    return config


def _scan(config: Path, payload: str | bytes, tmp_path: Path, at: str = SCAN_AT):
    data = payload.encode() if isinstance(payload, str) else payload
    return run_scan(config, data, FixedClock.at_local(at, "America/Chicago"), tmp_path)


SCAN_CASES = [
    ("same names and birthday",
     Card(first="ALEX", last="RIVERA", born=date(1990, 5, 5)),
     "denied", None, ["ambiguous_match"]),
    ("document picks", Card(first="SAM", last="OKAFOR", born=date(1982, 2, 2),
                            number="D00004321"), "signed_in", "T003", []),
    ("document rules out", Card(first="SAM", last="OKAFOR", born=date(1982, 2, 2),
                                number="D00005555"), "signed_in", "T004", []),
    ("other jurisdiction", Card(first="LEE", last="PARK", born=date(1975, 7, 7),
                                jurisdiction="KS", number="K00002222"),
     "signed_in", "T006", []),
    ("no document agrees", Card(first="LEE", last="PARK", born=date(1975, 7, 7),
                                jurisdiction="IL", number="I00003333"),
     "denied", None, ["not_on_roster"]),
    ("accents and punctuation", Card(first="ZOE", last="DAMICO LEVESQUE",
                                     born=date(1995, 12, 24)), "signed_in", "T007", []),
    ("middle initial picks", Card(first="CHRIS", middle="B", last="HALL",
                                  born=date(1988, 8, 8)), "signed_in", "T009", []),
    ("no middle name", Card(first="CHRIS", last="HALL", born=date(1988, 8, 8)),
     "denied", None, ["ambiguous_match"]),
    ("letter without decomposition", Card(first="LUKASZ", last="WOJCIK",
                                          born=date(1992, 10, 10)),
     "signed_in", "T013", []),
    ("truncated names", Card(version=9, first="BARTHOLOMEW", middle="IGNATIUS",
                             last="VANDERSLOOT-HAW", last_truncated=True,
                             born=date(1984, 6, 30)), "signed_in", "T014", []),
    ("wrong birthday", Card(first="PAT", last="QUINN", born=date(1970, 3, 4),
                            number="M00007777"), "denied", None, ["not_on_roster"]),
    ("expired licence", Card(first="PAT", last="QUINN", born=date(1970, 3, 3),
                             number="M00007777", expires=date(2026, 12, 3)),
     "signed_in", "T012", ["id_document_expired"]),
    ("licence expires today", Card(first="PAT", last="QUINN", born=date(1970, 3, 3),
                                   number="M00007777", expires=date(2026, 12, 4)),
     "signed_in", "T012", []),
    ("expired and unknown", Card(first="PAT", last="QUEEN", born=date(1970, 3, 3),
                                 expires=date(2020, 1, 1)),
     "denied", None, ["not_on_roster", "id_document_expired"]),
    ("Canadian last four with hyphen", Card(first="DANA", last="KIM", canadian=True,
                                            jurisdiction="ON", number="123400-056",
                                            born=date(1991, 9, 9)),
     "signed_in", "T015", []),
]  # fmt: skip


@pytest.mark.parametrize(
    ("label", "card", "outcome", "person", "codes"),
    SCAN_CASES,
    ids=[case[0] for case in SCAN_CASES],
)
def test_licence_scan(identify_config, tmp_path, label, card, outcome, person, codes):
    result = _scan(identify_config, encode(card), tmp_path)
    assert result["outcome"] == outcome, label
    assert result["person_id"] == person
    assert sorted(result["reasons"]) == sorted(codes)


def test_version1_full_name_scan(identify_config, tmp_path):
    card = Card(version=1, born=date(1979, 1, 1))
    text = encode(card).replace("DAAEXAMPLE,JORDAN", "DAAANA DE LA CRUZ")
    result = _scan(identify_config, lf_to_cr(text), tmp_path)
    assert result["outcome"] == "signed_in"
    assert result["person_id"] == "T010"


def test_ambiguous_event_names_candidates(identify_config, tmp_path, make_config):
    card = Card(first="ALEX", last="RIVERA", born=date(1990, 5, 5))
    result = _scan(identify_config, encode(card), tmp_path)
    assert result["reasons"] == ["ambiguous_match"]
    store = Store(f"sqlite:///{tmp_path / 'data' / 'kiosk.db'}")
    try:
        with store.read() as session:
            events = session.query(Event).order_by(Event.id).all()
            decision = [event for event in events if event.kind == "decision"][-1]
            assert json.loads(json.dumps(decision.detail))["candidates"] == [
                "T001",
                "T002",
            ]
            assert decision.person_id is None
    finally:
        store.close()


GS1_BADGE_FORMS = [
    "(01)09501101530003(21)A7",
    "]C1010950110153000321A7\r\n",
    "\x1d010950110153000321A7",
    "010950110153000321a7",
]


@pytest.mark.parametrize("payload", GS1_BADGE_FORMS)
def test_gs1_badge_scan(identify_config, tmp_path, payload):
    result = _scan(identify_config, payload, tmp_path)
    assert result["outcome"] == "signed_in"
    assert result["person_id"] == "T011"
