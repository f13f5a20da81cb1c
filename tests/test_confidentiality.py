"""Background-check details and personal data stay out of logs, output and events.

Every fixture scan is run with all logging at DEBUG, and the captured text is
searched for licence numbers, addresses, dates of birth, names and offense
details. The clerk-facing ``reasons`` carry ``refer_to_principal`` only; the
confidential cause is stored in ``visits.confidential_reasons``.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from datetime import date
from pathlib import Path

import pytest

from kiosk.assembly import build_kiosk
from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.logs import configure_logging
from kiosk.services import screening
from kiosk.services.staff import add_staff
from kiosk.store import Store
from kiosk.store.events import EventSource
from kiosk.store.models import Event, Visit
from tests.aamva_expected import FIXTURE_CARDS
from tests.desk_support import CLERK_PIN, PRINCIPAL_PIN
from tests.support import ROSTER_DIR, SCANS, expected_scans, run_kiosk
from tests.test_pdf_export import pdf_text

ROWS = expected_scans()
CONFIDENTIAL = (screening.OFFENSE_REPORT_PENDING, screening.FOUND_UNSUITABLE)
PUBLIC_CODES = set(screening.REASON_ORDER) | {
    screening.CHECK_RENEWAL_DUE,
    "id_document_expired",
    "already_signed_in",
    "already_signed_out",
    "invalid_sign_out_code",
}


def _date_forms(day: date) -> list[str]:
    return [
        day.isoformat(),
        day.strftime("%m%d%Y"),
        day.strftime("%Y%m%d"),
        f"{day.year}, {day.month}, {day.day}",
        day.strftime("%m/%d/%Y"),
    ]


def _licence_elements() -> dict[str, str]:
    """Personal values the fixture licences carry, by element id and file."""
    found = {}
    for name in FIXTURE_CARDS:
        text = (SCANS / name).read_bytes().decode("utf-8")
        for line in text.replace("\r", "\n").split("\n"):
            element, value = line[:3], line[3:].strip()
            if element in ("DAQ", "DAG", "DAI", "DAK") and value:
                found[f"{name} {element}"] = value
    return found


def _forbidden() -> dict[str, str]:
    """Text that must never appear, with a label saying what it is."""
    forbidden = {f"licence {key}": value for key, value in _licence_elements().items()}
    for name, card in FIXTURE_CARDS.items():
        for form in _date_forms(card.born):
            forbidden[f"licence {name} date of birth {form}"] = form
    with (ROSTER_DIR / "people.csv").open(newline="") as handle:
        for person in csv.DictReader(handle):
            born = date.fromisoformat(person["date_of_birth"])
            for form in _date_forms(born):
                forbidden[f"{person['person_id']} date of birth {form}"] = form
            forbidden[f"{person['person_id']} last name"] = person["last_name"]
    for code in CONFIDENTIAL:
        forbidden[f"confidential code {code}"] = code
    # The offense report status of P010; SQL text may name the table
    # offense_reports, but no value from it may appear.
    forbidden["offense report status"] = "unsuitable"
    return forbidden


FORBIDDEN = _forbidden()


def _leaks(text: str) -> list[str]:
    lowered = text.casefold()
    return sorted(
        label for label, value in FORBIDDEN.items() if value.casefold() in lowered
    )


@pytest.fixture
def debug_config(make_config) -> Path:
    def make(school: str) -> Path:
        config = make_config(school=school, logging={"level": "DEBUG"})
        status, output = run_kiosk(
            ["--config", str(config), "roster", "import", str(ROSTER_DIR)]
        )
        assert status == 0, output
        return config

    return make


@pytest.mark.parametrize("row", ROWS, ids=[row.scan for row in ROWS])
def test_log_records_carry_no_personal_data(row, debug_config, caplog):
    config = debug_config(row.school)
    # The kiosk's own logging set-up at DEBUG, as `kiosk --config` does it,
    # replaces the root handlers, so pytest's handler is attached again.
    configure_logging("DEBUG")
    logging.getLogger().addHandler(caplog.handler)
    caplog.set_level(logging.DEBUG)
    # SQL statements too, as someone tracing a database problem would set it.
    # SQLAlchemy's DEBUG level also dumps result rows, which hold the roster;
    # configure_logging keeps that level off (see test below).
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    kiosk = build_kiosk(
        load_config(str(config)), FixedClock.at_local(row.at, "America/Chicago")
    )
    try:
        result = kiosk.scan(row.payload)
    finally:
        kiosk.close()
    assert result.outcome == row.outcome
    assert caplog.records, "nothing was logged, so nothing was checked"
    logged = "\n".join(
        f"{record.name} {record.getMessage()} {record.exc_text or ''}"
        for record in caplog.records
    )
    assert _leaks(logged) == []


def test_debug_logging_keeps_sql_rows_out():
    configure_logging("DEBUG")
    assert logging.getLogger().isEnabledFor(logging.DEBUG)
    assert not logging.getLogger("sqlalchemy.engine.Engine").isEnabledFor(logging.DEBUG)


@pytest.mark.parametrize("row", ROWS, ids=[row.scan for row in ROWS])
def test_scan_command_output_and_log(row, debug_config, tmp_path, capsys):
    config = debug_config(row.school)
    capsys.readouterr()
    payload = tmp_path / "payload.bin"
    payload.write_bytes(row.payload)
    clock = FixedClock.at_local(row.at, "America/Chicago")

    status, output = run_kiosk(
        ["--config", str(config), "scan", "--file", str(payload)], clock
    )

    assert status == 0
    log = capsys.readouterr().err
    assert " DEBUG " in log or " INFO " in log
    assert _leaks(log) == []
    assert _leaks(output) == []
    result = json.loads(output)
    assert set(result) == {
        "outcome",
        "visit_id",
        "person_id",
        "reasons",
        "notices",
        "at",
        "badge",
        "badge_status",
        "sign_out_code",
        "unreadable_reason",
    }
    assert set(result["reasons"]) | set(result["notices"]) <= PUBLIC_CODES


@pytest.mark.parametrize(
    ("badge", "cause"),
    [(b"OTP-100008", "offense_report_pending"), (b"OTP-100010", "found_unsuitable")],
)
def test_confidential_cause_stored_apart(badge, cause, debug_config, tmp_path):
    config = debug_config("ALD")
    payload = tmp_path / "payload.bin"
    payload.write_bytes(badge)
    clock = FixedClock.at_local("2026-12-04T08:30", "America/Chicago")

    status, output = run_kiosk(
        ["--config", str(config), "scan", "--file", str(payload)], clock
    )

    assert status == 0
    result = json.loads(output)
    assert result["outcome"] == "denied"
    assert result["reasons"] == ["refer_to_principal"]
    store = Store(f"sqlite:///{tmp_path / 'data' / 'kiosk.db'}")
    try:
        with store.read() as session:
            visit = session.get(Visit, result["visit_id"])
            assert visit is not None
            assert visit.reasons == ["refer_to_principal"]
            assert visit.confidential_reasons == [cause]
            events = session.query(Event).all()
            recorded = json.dumps(
                [[event.kind, event.reasons, event.detail] for event in events]
            )
    finally:
        store.close()
    assert cause not in recorded
    assert "refer_to_principal" in recorded


@pytest.mark.parametrize("badge", [b"OTP-100008", b"OTP-100010", b"OTP-100003"])
async def test_visitor_sees_neutral_message(badge, debug_config):
    from textual.widgets import Static

    from kiosk.ui.app import KioskApp
    from kiosk.ui.messages import ScanReceived
    from kiosk.ui.screens import ResultScreen

    config = load_config(str(debug_config("ALD")))
    kiosk = build_kiosk(
        config, FixedClock.at_local("2026-12-04T08:30", "America/Chicago")
    )
    app = KioskApp(kiosk)
    try:
        async with app.run_test() as pilot:
            app.post_message(ScanReceived(badge, "wedge"))
            for _ in range(200):
                if app.scans_handled:
                    break
                await pilot.pause(0.05)
            assert app.scans_handled == 1
            screen = app.screen
            assert isinstance(screen, ResultScreen)
            shown = " ".join(str(widget.content) for widget in screen.query(Static))
    finally:
        kiosk.close()
    assert shown == ("Please see the front office staff. They will help you sign in.")


OVERRIDE_SECRET = "offense report dismissed by the county court"


@pytest.fixture
def overridden(sqlite_desk_env):
    """A principal's override of a confidential refusal (the free-text reason
    names the confidential matter) and a clerk's override of a public one."""
    env = sqlite_desk_env
    confidential_visit = env.scan("badge_P008_ALD.bin")["visit_id"]
    public_visit = env.scan("badge_P003_ALD.bin")["visit_id"]
    desk = env.desk()
    try:
        desk.override(env.principal, confidential_visit, OVERRIDE_SECRET)
        desk.override(env.clerk, public_visit, "renewal form seen")
    finally:
        desk.store.close()
    return env


def _report(env, monkeypatch, tmp_path, args: list[str], pin: str = "") -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO(pin + "\n"))
    out = tmp_path / "report.out"
    if "range" in args:
        args = [*args, "--from", "2026-12-04", "--to", "2026-12-04", "--out", str(out)]
    status, output = run_kiosk(
        ["--config", str(env.config_path), "report", *args], env.clock
    )
    assert status == 0, output
    if "pdf" in args:
        return pdf_text(out)
    return out.read_text(encoding="utf-8") if "range" in args else output


ADMIN_PIN = "730418"


def add_district_it(env) -> None:
    store = Store(env.config.store_url)
    try:
        add_staff(
            store,
            EventSource("ALD", "setup"),
            env.clock.now(),
            username="it.admin",
            display_name="District IT",
            role="admin",
            school="*",
            pin=ADMIN_PIN,
        )
    finally:
        store.close()


REPORTS = [
    ["day", "--format", "csv"],
    ["day", "--format", "json"],
    ["range", "--format", "csv"],
    ["range", "--format", "json"],
    ["range", "--format", "pdf"],
]


@pytest.mark.parametrize("report", REPORTS, ids=lambda args: "-".join(args))
@pytest.mark.parametrize("signed_in", ["nobody", "clerk", "admin"])
def test_override_reason_hidden_below_principal(
    overridden, monkeypatch, tmp_path, report, signed_in
):
    pin = ""
    if signed_in == "clerk":
        report = [*report, "--as", "c.ortiz", "--pin-stdin"]
        pin = CLERK_PIN
    if signed_in == "admin":
        add_district_it(overridden)
        report = [*report, "--as", "it.admin", "--pin-stdin"]
        pin = ADMIN_PIN
    text = _report(overridden, monkeypatch, tmp_path, report, pin)
    flat = " ".join(text.split())
    assert OVERRIDE_SECRET not in flat
    assert "county court" not in flat
    assert "override by principal" in flat
    assert "Pat Lindqvist" in flat
    assert "renewal form seen" in flat


@pytest.mark.parametrize("report", REPORTS, ids=lambda args: "-".join(args))
def test_override_reason_shown_to_principal(overridden, monkeypatch, tmp_path, report):
    report = [*report, "--as", "p.lindqvist", "--pin-stdin"]
    text = _report(overridden, monkeypatch, tmp_path, report, PRINCIPAL_PIN)
    assert "county court" in " ".join(text.split())


def test_clerk_desk_view_holds_no_override_reason(overridden):
    desk = overridden.desk()
    try:
        snapshot = desk.poll(overridden.clerk, None)
    finally:
        desk.store.close()
    assert [row.overridden for row in snapshot.present] == [True, True]
    assert "county court" not in repr(snapshot)


def test_digest_turns_admin_away(overridden, monkeypatch, capsys):
    add_district_it(overridden)
    monkeypatch.setattr("sys.stdin", io.StringIO(ADMIN_PIN + "\n"))
    status, _ = run_kiosk(
        [
            "--config",
            str(overridden.config_path),
            "report",
            "digest",
            "--as",
            "it.admin",
            "--pin-stdin",
        ],
        overridden.clock,
    )
    assert status == 1
    assert (
        capsys.readouterr()
        .err.strip()
        .endswith(
            "sign-in failed: it.admin has the admin role, "
            "and this command needs a principal"
        )
    )
