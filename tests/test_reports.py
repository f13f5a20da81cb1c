"""Visit rows, the day and range exports, and who sees confidential reasons."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.services.activity import (
    arrivals_per_hour,
    occupancy,
    visits_per_organization,
)
from kiosk.services.export import FORMULA_STARTS
from kiosk.services.reports import day_rows, range_rows
from kiosk.store import Store
from kiosk.store.events import EventSource
from kiosk.store.models import Visit
from kiosk.ui.review.app import ReviewContext
from kiosk.ui.review.exporting import export_day
from tests.support import run_kiosk
from tests.week_fixture import (
    CLERK_PIN,
    FRIDAY,
    MONDAY,
    PRINCIPAL_PIN,
    SCHOOL,
    ZONE,
    local,
    week_store,
)

WEDNESDAY = MONDAY + timedelta(days=2)
SOURCE = EventSource(SCHOOL, "review-1")


def run_with_pin(args: list[str], pin: str, monkeypatch) -> tuple[int, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(pin + "\n"))
    return run_kiosk([*args, "--pin-stdin"])


def test_day_rows_carry_review_columns(week, tmp_path):
    _, summary = week
    store = week_store(tmp_path)
    with store.read() as session:
        rows = day_rows(session, SCHOOL, WEDNESDAY, ZONE)
    store.close()
    override = next(row for row in rows if row.visit_id == summary.overrides[0])
    assert override.person == "Ines Marlowe-Diaz"
    assert override.override_by == "Cam Ortiz"
    assert "district office" in override.override_reason
    assert override.sign_out_method == "desk"
    assert override.signed_out_by == "Cam Ortiz"
    assert override.destination == "Art room"
    assert override.outcome == "signed_out"
    assert override.length_minutes == 160
    recorded = next(row for row in rows if row.visit_id == summary.time_out_recorded[0])
    assert recorded.outcome == "not_signed_out"
    assert recorded.time_out == "2026-12-02T12:40:00-06:00"
    assert recorded.signed_out_by == "Dana Whitfield"
    assert "paper sign-out sheet" in recorded.sign_out_note


def test_confidential_reasons_only_when_asked(week, tmp_path):
    store = week_store(tmp_path)
    with store.read() as session:
        plain = day_rows(session, SCHOOL, WEDNESDAY, ZONE)
        full = day_rows(session, SCHOOL, WEDNESDAY, ZONE, confidential=True)
    store.close()
    plain_gideon = next(row for row in plain if row.person == "Gideon Marsh")
    full_gideon = next(row for row in full if row.person == "Gideon Marsh")
    assert plain_gideon.reasons == ["refer_to_principal"]
    assert plain_gideon.confidential_reasons is None
    assert "offense" not in plain_gideon.reasons_text
    assert full_gideon.confidential_reasons == ["offense_report_pending"]
    assert "offense report pending (confidential)" in full_gideon.reasons_text


def test_report_day_keeps_its_columns(week):
    config, _ = week
    status, output = run_kiosk(
        ["--config", str(config), "report", "day", "--date", str(FRIDAY)]
    )
    assert status == 0
    lines = output.splitlines()
    assert lines[0].split() == ["PERSON", "ORGANIZATION", "IN", "OUT", "OUTCOME"]
    assert any("Tobias Fenwick" in line and "denied" in line for line in lines)
    status, output = run_kiosk(
        [
            "--config",
            str(config),
            "report",
            "day",
            "--date",
            str(FRIDAY),
            "--format",
            "json",
        ]
    )
    rows = json.loads(output)
    assert {"person", "organization", "time_in", "time_out", "outcome"} <= set(rows[0])
    assert all("confidential_reasons" not in row for row in rows)


def test_report_day_leaves_time_out_empty_in_building(week, tmp_path):
    config, _ = week
    store = week_store(tmp_path)
    with store.read() as session:
        open_visit = session.query(Visit).filter(Visit.person_id == "W001").first()
        open_id = open_visit.id

    def reopen(session) -> None:
        visit = session.get(Visit, open_id)
        visit.signed_out_at = None
        visit.sign_out_method = None

    store.write(reopen)
    store.close()
    status, output = run_kiosk(
        [
            "--config",
            str(config),
            "report",
            "day",
            "--date",
            str(MONDAY),
            "--format",
            "csv",
        ]
    )
    assert status == 0
    row = next(
        r for r in csv.DictReader(io.StringIO(output)) if r["visit_id"] == str(open_id)
    )
    assert row["outcome"] == "in_building"
    assert row["time_out"] == ""
    assert row["length_minutes"] == ""


def test_range_csv_without_sign_in_omits_confidential(week):
    config, _ = week
    status, output = run_kiosk(
        [
            "--config",
            str(config),
            "report",
            "range",
            "--from",
            str(MONDAY),
            "--to",
            str(FRIDAY),
            "--format",
            "csv",
        ]
    )
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(output)))
    assert "confidential_reasons" not in rows[0]
    assert "offense_report_pending" not in output
    assert len(rows) == 36
    assert {row["day"] for row in rows} == {
        str(MONDAY + timedelta(days=n)) for n in range(5)
    }


def test_range_csv_for_principal_has_confidential(week, monkeypatch):
    config, _ = week
    status, output = run_with_pin(
        [
            "--config",
            str(config),
            "report",
            "range",
            "--from",
            str(MONDAY),
            "--to",
            str(FRIDAY),
            "--format",
            "csv",
            "--as",
            "d.whitfield",
        ],
        PRINCIPAL_PIN,
        monkeypatch,
    )
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(output)))
    gideon = next(row for row in rows if row["person"] == "Gideon Marsh")
    assert gideon["confidential_reasons"] == "offense_report_pending"


def test_range_json_for_clerk_omits_confidential(week, monkeypatch):
    config, _ = week
    status, output = run_with_pin(
        [
            "--config",
            str(config),
            "report",
            "range",
            "--from",
            str(MONDAY),
            "--to",
            str(FRIDAY),
            "--format",
            "json",
            "--as",
            "c.ortiz",
        ],
        CLERK_PIN,
        monkeypatch,
    )
    assert status == 0
    document = json.loads(output)
    assert document["confidential_reasons_included"] is False
    assert document["prepared_for"] == "Cam Ortiz"
    assert document["summary"]["refusals"] == 5
    assert document["summary"]["overrides"] == 1
    assert document["summary"]["not_signed_out"] == 3
    assert "offense_report_pending" not in output
    assert len(document["visits"]) == 36


def test_range_rejects_wrong_pin(week, monkeypatch, capsys):
    config, _ = week
    status, _ = run_with_pin(
        [
            "--config",
            str(config),
            "report",
            "range",
            "--from",
            str(MONDAY),
            "--to",
            str(FRIDAY),
            "--format",
            "csv",
            "--as",
            "d.whitfield",
        ],
        "000000",
        monkeypatch,
    )
    assert status == 1
    assert "sign-in failed" in capsys.readouterr().err


def test_range_rejects_reversed_dates(week, capsys):
    config, _ = week
    status, _ = run_kiosk(
        [
            "--config",
            str(config),
            "report",
            "range",
            "--from",
            str(FRIDAY),
            "--to",
            str(MONDAY),
            "--format",
            "csv",
        ]
    )
    assert status == 1
    assert "before --from" in capsys.readouterr().err


def test_range_writes_out_file(week, tmp_path):
    config, _ = week
    out = tmp_path / "exports" / "week.json"
    status, output = run_kiosk(
        [
            "--config",
            str(config),
            "report",
            "range",
            "--from",
            str(MONDAY),
            "--to",
            str(FRIDAY),
            "--format",
            "json",
            "--out",
            str(out),
        ]
    )
    assert status == 0
    assert "36 visits" in output
    assert json.loads(out.read_text())["from"] == str(MONDAY)
    assert out.stat().st_mode & 0o077 == 0


def test_week_counts_per_organization(week, tmp_path):
    store = week_store(tmp_path)
    with store.read() as session:
        rows = range_rows(session, SCHOOL, MONDAY, FRIDAY, ZONE)
    store.close()
    per_org = dict(visits_per_organization(rows))
    assert sum(per_org["Lantern Reading Club"].values()) == 9
    assert per_org["Northside Arts Collective"] == {str(WEDNESDAY): 1}
    hours = arrivals_per_hour([r for r in rows if r.day == str(FRIDAY)], ZONE)
    assert ("13:00", 0, 1) in hours
    labels = [label for label, _, _ in hours]
    first, last = int(labels[0][:2]), int(labels[-1][:2])
    assert labels == [f"{hour:02d}:00" for hour in range(first, last + 1)]


def test_report_day_for_principal_has_confidential(week, monkeypatch):
    config, _ = week
    wednesday = str(MONDAY + timedelta(days=2))
    status, output = run_with_pin(
        [
            "--config",
            str(config),
            "report",
            "day",
            "--date",
            wednesday,
            "--format",
            "json",
            "--as",
            "d.whitfield",
        ],
        PRINCIPAL_PIN,
        monkeypatch,
    )
    assert status == 0
    gideon = next(row for row in json.loads(output) if row["person"] == "Gideon Marsh")
    assert gideon["confidential_reasons"] == ["offense_report_pending"]


def _dst_store(tmp_path, day: date, zone: ZoneInfo, wall_in: str, wall_out: str):
    from datetime import datetime, time

    store = Store(f"sqlite:///{tmp_path / 'dst.db'}")
    store.migrate()
    began = datetime.combine(day, time.fromisoformat(wall_in), tzinfo=zone)
    ended = datetime.combine(day, time.fromisoformat(wall_out), tzinfo=zone)

    def work(session) -> None:
        session.add(
            Visit(
                school=SCHOOL,
                kiosk_id="k",
                person_id=None,
                credential="desk",
                admitted=True,
                scanned_at=began,
                signed_in_at=began,
                signed_out_at=ended,
                sign_out_method="desk",
                visitor_name="Night Crew",
            )
        )

    store.write(work)
    return store


def test_length_across_fall_back(tmp_path):
    zone = ZoneInfo("America/Chicago")
    day = date(2026, 11, 1)
    # 00:30 CDT to 03:30 CST is four hours of real time, three on the wall.
    store = _dst_store(tmp_path, day, zone, "00:30", "03:30")
    with store.read() as session:
        (row,) = day_rows(session, SCHOOL, day, zone)
    store.close()
    assert row.length_minutes == 240
    assert row.time_in == "2026-11-01T00:30:00-05:00"
    assert row.time_out == "2026-11-01T03:30:00-06:00"
    slots = occupancy([row], day, zone, until=row_end(row))
    assert len(slots) == 50
    assert [slot.label for slot in slots].count("01:00") == 2
    assert sum(slot.value for slot in slots) == 8


def test_length_across_spring_forward(tmp_path):
    zone = ZoneInfo("America/Chicago")
    day = date(2026, 3, 8)
    # 01:30 CST to 03:30 CDT is one hour of real time, two on the wall.
    store = _dst_store(tmp_path, day, zone, "01:30", "03:30")
    with store.read() as session:
        (row,) = day_rows(session, SCHOOL, day, zone)
    store.close()
    assert row.length_minutes == 60
    assert row.length_text == "1h00"
    slots = occupancy([row], day, zone, until=row_end(row))
    assert len(slots) == 46
    assert "02:00" not in [slot.label for slot in slots]
    assert sum(slot.value for slot in slots) == 2


def row_end(row):
    from datetime import datetime

    return datetime.fromisoformat(row.time_out)


FORMULAS = {
    "person": '=HYPERLINK("http://attacker.invalid","x") Okafor',
    "organization": "+SUM(1+1)",
    "role": "\r=1+1",
    "destination": "@cmd",
    "sign_out_note": "-2+3",
    "override_reason": "\tTabbed",
}
"""Cells planted on Wednesday, each starting as a spreadsheet formula would."""


def plant_formulas(store: Store, summary) -> None:
    """Give Wednesday's visits names and notes that spreadsheets run as formulas."""
    people = {
        "first_name": FORMULAS["person"].removesuffix(" Okafor"),
        "role": FORMULAS["role"],
    }

    def work(session) -> None:
        session.execute(
            text(
                "UPDATE people SET first_name = :first_name, role = :role "
                "WHERE person_id = 'W002'"
            ),
            people,
        )
        session.execute(
            text("UPDATE organizations SET name = :name WHERE org_id = 'WK-CST'"),
            {"name": FORMULAS["organization"]},
        )
        override = session.get(Visit, summary.overrides[0])
        override.destination = FORMULAS["destination"]
        override.override_reason = FORMULAS["override_reason"]
        recorded = session.get(Visit, summary.time_out_recorded[0])
        recorded.sign_out_note = FORMULAS["sign_out_note"]

    store.write(work)


def test_csv_exports_neutralize_formulas(week, tmp_path, monkeypatch):
    config, summary = week
    store = week_store(tmp_path)
    plant_formulas(store, summary)
    store.close()
    day = ["--config", str(config), "report", "day", "--date", str(WEDNESDAY)]
    status, day_csv = run_kiosk([*day, "--format", "csv"])
    assert status == 0
    status, range_csv = run_with_pin(
        [
            "--config",
            str(config),
            "report",
            "range",
            "--from",
            str(MONDAY),
            "--to",
            str(FRIDAY),
            "--format",
            "csv",
            "--as",
            "d.whitfield",
        ],
        PRINCIPAL_PIN,
        monkeypatch,
    )
    assert status == 0
    store = week_store(tmp_path)
    context = ReviewContext(
        load_config(str(config)), store, FixedClock(local(FRIDAY, "18:00")), SOURCE
    )
    review_csv = export_day(context, None, WEDNESDAY, "csv").read_bytes().decode()
    store.close()

    for output in (day_csv, range_csv, review_csv):
        rows = list(csv.DictReader(io.StringIO(output, newline="")))
        for name, value in FORMULAS.items():
            cells = {row[name] for row in rows}
            assert "'" + value in cells, name
            assert value not in cells, name
        for row in rows:
            assert not any(cell.startswith(FORMULA_STARTS) for cell in row.values())
        assert len(rows) >= 9


def test_json_export_keeps_formula_text_exact(week, tmp_path):
    config, summary = week
    store = week_store(tmp_path)
    plant_formulas(store, summary)
    store.close()
    status, output = run_kiosk(
        [
            "--config",
            str(config),
            "report",
            "day",
            "--date",
            str(WEDNESDAY),
            "--format",
            "json",
        ]
    )
    assert status == 0
    rows = json.loads(output)
    for name, value in FORMULAS.items():
        assert value in {row[name] for row in rows}, name


def test_lock_out_message_uses_school_time(week, monkeypatch, capsys):
    config, _ = week
    clock = FixedClock(local(FRIDAY, "17:30"))
    args = ["--config", str(config), "report", "day", "--as", "d.whitfield"]
    errors = []
    for _ in range(6):
        monkeypatch.setattr("sys.stdin", io.StringIO("000000\n"))
        status, _ = run_kiosk([*args, "--pin-stdin"], clock)
        assert status == 1
        errors.append(capsys.readouterr().err.strip())
    assert errors[0].endswith("sign-in failed: unknown user or wrong PIN")
    # The fifth wrong PIN locks the account for ten minutes; 17:30 in Chicago
    # is 23:30 UTC.
    assert errors[4].endswith(
        "sign-in failed: too many wrong PINs; locked until 17:40 CST"
    )
    assert errors[5].endswith(
        "sign-in failed: too many wrong PINs; locked until 17:40 CST"
    )


def run_without_terminal(args: list[str]) -> subprocess.CompletedProcess[str]:
    """Run ``kiosk ARGS`` as cron would: stdin from /dev/null, and in a new
    session so that getpass cannot open the test runner's /dev/tty either."""
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        start_new_session=True,
        check=False,
    )


def test_signin_without_terminal_fails_cleanly(week):
    config, _ = week
    completed = run_without_terminal(
        ["--config", str(config), "report", "day", "--as", "c.ortiz"]
    )
    assert completed.returncode == 1
    assert completed.stdout == ""
    assert completed.stderr == (
        "kiosk: cannot ask for the PIN: standard input is not a terminal; "
        "use --pin-stdin\n"
    )


def test_staff_add_without_terminal_fails_cleanly(week):
    config, _ = week
    completed = run_without_terminal(
        [
            "--config",
            str(config),
            "staff",
            "add",
            "l.okafor",
            "--name",
            "Lee Okafor",
            "--role",
            "clerk",
        ]
    )
    assert completed.returncode == 1
    assert completed.stdout == ""
    assert completed.stderr == (
        "kiosk: cannot ask for the PIN: standard input is not a terminal; "
        "use --pin-stdin\n"
    )


def test_empty_staff_username_is_rejected(week, monkeypatch, capsys):
    config, _ = week
    for username in ("", "  "):
        monkeypatch.setattr("sys.stdin", io.StringIO(CLERK_PIN + "\n"))
        with pytest.raises(SystemExit) as exit_status:
            run_kiosk(
                [
                    "--config",
                    str(config),
                    "report",
                    "day",
                    "--as",
                    username,
                    "--pin-stdin",
                ]
            )
        assert exit_status.value.code == 2
        error = capsys.readouterr().err
        assert "argument --as: the user name is empty" in error


def test_day_table_cuts_long_names(week, tmp_path):
    from dataclasses import replace

    from kiosk.services.export import rows_to_table

    store = week_store(tmp_path)
    with store.read() as session:
        rows = day_rows(session, SCHOOL, WEDNESDAY, ZONE)
    store.close()
    # A visitor name stored before names had a maximum length.
    rows[0] = replace(rows[0], person="Olu " + "B" * 296, organization="O" * 300)
    lines = rows_to_table(rows).splitlines()
    widest = max(len(line) for line in lines)
    assert widest < 140
    long_line = next(line for line in lines if line.startswith("Olu "))
    assert ("Olu " + "B" * 35 + "…") in long_line
    assert ("O" * 39 + "…") in long_line
