"""Roster import: both district formats, all or nothing, clear rejections."""

from __future__ import annotations

import json
import shutil

import pytest
from sqlalchemy import func, select

from kiosk.services.roster import RosterError, read_roster
from kiosk.store import Store
from kiosk.store.models import Event, Person, RosterImport
from tests.support import ROSTER_DIR, run_kiosk


def _people_count(config_dir) -> dict:
    store = Store(f"sqlite:///{config_dir / 'data' / 'kiosk.db'}")
    with store.read() as session:
        counts = {
            "on_roster": session.scalar(
                select(func.count()).where(Person.on_roster.is_(True))
            ),
            "imports": session.scalar(select(func.count()).select_from(RosterImport)),
        }
    store.close()
    return counts


def test_csv_pair_and_json_give_the_same_roster():
    from_csv = read_roster(
        [ROSTER_DIR / "people.csv", ROSTER_DIR / "organizations.csv"]
    )
    from_json = read_roster([ROSTER_DIR / "roster.json"])
    assert from_csv.organizations == from_json.organizations
    assert from_csv.people == from_json.people
    assert len(from_json.people) == 18


def test_import_command_reports_counts(make_config, tmp_path):
    config = make_config()
    status, output = run_kiosk(
        ["--config", str(config), "roster", "import", str(ROSTER_DIR / "roster.json")]
    )
    assert status == 0
    assert output.strip() == "roster import 1: 6 organizations, 18 people"
    assert _people_count(tmp_path) == {"on_roster": 18, "imports": 1}


def test_import_is_logged_as_an_event(make_config, tmp_path):
    config = make_config()
    run_kiosk(["--config", str(config), "roster", "import", str(ROSTER_DIR)])
    store = Store(f"sqlite:///{tmp_path / 'data' / 'kiosk.db'}")
    with store.read() as session:
        event = session.scalar(select(Event).where(Event.kind == "roster_import"))
    store.close()
    assert event.detail["people"] == 18
    assert "Núñez" not in json.dumps(event.detail, ensure_ascii=False)


def _broken_csv_copy(tmp_path, line: int, column: str, value: str):
    folder = tmp_path / "roster"
    folder.mkdir()
    shutil.copy(ROSTER_DIR / "organizations.csv", folder)
    lines = (ROSTER_DIR / "people.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[line - 1].split(",")
    cells[header.index(column)] = value
    lines[line - 1] = ",".join(cells)
    (folder / "people.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("date_of_birth", "1988-13-01", "'1988-13-01' is not a date (YYYY-MM-DD)"),
        ("role", "intern", "'intern' is not one of staff, volunteer"),
        ("org_id", "ORG-XX", "unknown organization 'ORG-XX'"),
        ("badge_code", "otp-100001", "same badge code as person P001"),
        ("offense_report", "", "missing value"),
        (
            "check_source",
            "kansas",
            "'kansas' is not one of district, other_missouri_district",
        ),
    ],
)
def test_bad_row_rejects_the_file_and_keeps_the_roster(
    make_config, tmp_path, column, value, reason
):
    config = make_config()
    assert (
        run_kiosk(["--config", str(config), "roster", "import", str(ROSTER_DIR)])[0]
        == 0
    )
    before = _people_count(tmp_path)
    broken = _broken_csv_copy(tmp_path, 5, column, value)

    status, output = run_kiosk(
        ["--config", str(config), "roster", "import", str(broken)]
    )

    assert status == 1
    assert output == ""
    assert _people_count(tmp_path) == before


def test_rejection_names_line_column_and_reason(tmp_path, capsys):
    broken = _broken_csv_copy(tmp_path, 5, "date_of_birth", "1988-13-01")
    with pytest.raises(RosterError) as error:
        read_roster([broken])
    assert str(error.value) == (
        "people.csv, line 5, column date_of_birth: "
        "'1988-13-01' is not a date (YYYY-MM-DD)"
    )


def test_command_prints_the_rejection(make_config, tmp_path, capsys):
    config = make_config()
    broken = _broken_csv_copy(tmp_path, 3, "role", "intern")
    status, _ = run_kiosk(["--config", str(config), "roster", "import", str(broken)])
    assert status == 1
    assert capsys.readouterr().err.strip() == (
        "kiosk: roster rejected, nothing changed: people.csv, line 3, column role: "
        "'intern' is not one of staff, volunteer"
    )


def _json_document():
    return json.loads((ROSTER_DIR / "roster.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d.update(format="partner-roster/2"),
            "roster.json: 'format' must be 'partner-roster/1'",
        ),
        (lambda d: d.update(extra=1), "roster.json: unknown key 'extra'"),
        (
            lambda d: d["people"][2].pop("status"),
            "people entry 3, column status: missing key",
        ),
        (
            lambda d: d["people"][0].update(nickname="M"),
            "people entry 1, column nickname: unknown key",
        ),
        (
            lambda d: d["organizations"][1].update(schools="ALD"),
            "organizations entry 2, column schools: expected a list of school codes",
        ),
        (
            lambda d: d["organizations"][0].update(agreement_ends_on="2020-01-01"),
            "organizations entry 1, column agreement_ends_on: "
            "2020-01-01 is before agreement_starts_on",
        ),
        (
            lambda d: d["people"][4].update(first_name="Grace\x1b[2J"),
            "people entry 5, column first_name: contains control characters",
        ),
        (
            lambda d: d["people"].append(dict(d["people"][0])),
            "people entry 19, column person_id: duplicate id 'P001'",
        ),
    ],
)
def test_bad_json_entry_is_rejected(tmp_path, change, message):
    document = _json_document()
    change(document)
    path = tmp_path / "roster.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(RosterError) as error:
        read_roster([path])
    assert str(error.value) == message


def test_not_utf8_is_rejected(tmp_path):
    path = tmp_path / "roster.json"
    path.write_bytes(b'{"format": "partner-roster/1", "name": "Caf\xe9"}')
    with pytest.raises(RosterError) as error:
        read_roster([path])
    assert str(error.value) == (
        "roster.json, line 1: not UTF-8 text (byte 43); export the file as UTF-8"
    )


def test_invalid_json_names_the_line(tmp_path):
    path = tmp_path / "roster.json"
    path.write_text('{\n  "format": "partner-roster/1",\n  "people": [,]\n}')
    with pytest.raises(RosterError) as error:
        read_roster([path])
    assert str(error.value).startswith("roster.json, line 3: invalid JSON")


def test_csv_with_missing_column_is_rejected(tmp_path):
    folder = tmp_path / "roster"
    folder.mkdir()
    shutil.copy(ROSTER_DIR / "organizations.csv", folder)
    text = (
        (ROSTER_DIR / "people.csv")
        .read_text(encoding="utf-8")
        .replace(",status", ",state")
    )
    (folder / "people.csv").write_text(text, encoding="utf-8")
    with pytest.raises(RosterError) as error:
        read_roster([folder])
    assert str(error.value) == "people.csv, line 1: missing column status"


def test_later_import_takes_people_off_the_roster(make_config, tmp_path):
    config = make_config()
    run_kiosk(["--config", str(config), "roster", "import", str(ROSTER_DIR)])
    document = _json_document()
    document["people"] = [p for p in document["people"] if p["person_id"] != "P001"]
    smaller = tmp_path / "roster.json"
    smaller.write_text(json.dumps(document), encoding="utf-8")
    assert (
        run_kiosk(["--config", str(config), "roster", "import", str(smaller)])[0] == 0
    )

    status, output = run_kiosk(["--config", str(config), "scan", "OTP-100001"])
    assert status == 0
    assert json.loads(output)["reasons"] == ["not_on_roster"]
    assert _people_count(tmp_path) == {"on_roster": 17, "imports": 2}


def test_import_that_drops_most_people_needs_allow_shrink(
    make_config, tmp_path, capsys
):
    config = make_config()
    run_kiosk(["--config", str(config), "roster", "import", str(ROSTER_DIR)])
    document = _json_document()
    document["people"] = document["people"][:5]
    smaller = tmp_path / "roster.json"
    smaller.write_text(json.dumps(document), encoding="utf-8")

    status, _ = run_kiosk(["--config", str(config), "roster", "import", str(smaller)])
    assert status == 1
    assert "would take 13 of 18 people off the roster" in capsys.readouterr().err
    assert _people_count(tmp_path)["on_roster"] == 18

    status, _ = run_kiosk(
        ["--config", str(config), "roster", "import", "--allow-shrink", str(smaller)]
    )
    assert status == 0
    assert _people_count(tmp_path)["on_roster"] == 5


def test_empty_roster_is_rejected(tmp_path):
    document = _json_document()
    document["people"] = []
    path = tmp_path / "roster.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(RosterError) as error:
        read_roster([path])
    assert str(error.value) == "the roster lists no people; an empty export is refused"
