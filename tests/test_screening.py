"""The district partner policy as pure functions, one edge at a time."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.clock import FixedClock
from kiosk.services.screening import (
    REASON_ORDER,
    AgreementFacts,
    PersonFacts,
    check_valid_through,
    first_anniversary,
    screen,
)
from kiosk.store import Store
from kiosk.store.models import BackgroundCheck
from tests.support import ROSTER_DIR, run_kiosk, run_scan

TODAY = date(2026, 12, 4)

SIGNED = AgreementFacts(
    status="signed",
    signed_on=date(2026, 6, 20),
    starts_on=date(2026, 7, 1),
    ends_on=date(2027, 6, 30),
    schools=("*",),
)


def _person(**changes: object) -> PersonFacts:
    facts = {
        "person_id": "X1",
        "status": "active",
        "agreement": SIGNED,
        "check_completed_on": date(2026, 3, 10),
        "offense_report": "none",
    }
    facts.update(changes)
    return PersonFacts(**facts)  # type: ignore[arg-type]


def _agreement(**changes: object) -> AgreementFacts:
    facts = {
        "status": SIGNED.status,
        "signed_on": SIGNED.signed_on,
        "starts_on": SIGNED.starts_on,
        "ends_on": SIGNED.ends_on,
        "schools": SIGNED.schools,
    }
    facts.update(changes)
    return AgreementFacts(**facts)  # type: ignore[arg-type]


def test_admitted_when_every_rule_holds():
    decision = screen(_person(), "ALD", TODAY)
    assert decision.admitted
    assert decision.reasons == ()
    assert decision.notices == ()
    assert decision.confidential == ()


@pytest.mark.parametrize(
    ("day", "reasons"),
    [
        (date(2026, 6, 30), ("agreement_not_started",)),
        (date(2026, 7, 1), ()),
        (date(2027, 6, 30), ()),
        (date(2027, 7, 1), ("agreement_expired",)),
    ],
)
def test_agreement_days_inclusive(day, reasons):
    person = _person(check_completed_on=date(day.year, 1, 1))
    assert screen(person, "ALD", day).reasons == reasons


def test_open_ended_agreement():
    person = _person(agreement=_agreement(ends_on=None))
    assert screen(person, "ALD", date(2026, 12, 4)).admitted


@pytest.mark.parametrize("status", ["draft", "pending_signature"])
def test_unsigned_statuses(status):
    person = _person(agreement=_agreement(status=status, signed_on=None))
    assert screen(person, "ALD", TODAY).reasons == ("agreement_not_signed",)


def test_signed_without_date_is_not_signed():
    person = _person(agreement=_agreement(signed_on=None))
    assert screen(person, "ALD", TODAY).reasons == ("agreement_not_signed",)


def test_signing_date_after_today_is_not_signed():
    person = _person(agreement=_agreement(signed_on=date(2026, 12, 5)))
    assert screen(person, "ALD", TODAY).reasons == ("agreement_not_signed",)


def test_signed_on_the_day_counts():
    person = _person(agreement=_agreement(signed_on=TODAY))
    assert screen(person, "ALD", TODAY).admitted


def test_terminated_agreement():
    person = _person(agreement=_agreement(status="terminated"))
    assert screen(person, "ALD", TODAY).reasons == ("agreement_terminated",)


def test_no_agreement_on_file():
    assert screen(_person(agreement=None), "ALD", TODAY).reasons == (
        "agreement_not_signed",
    )


def test_school_not_covered():
    person = _person(agreement=_agreement(schools=("ALD", "BRK")))
    assert screen(person, "ALD", TODAY).admitted
    assert screen(person, "CHS", TODAY).reasons == ("school_not_covered",)


def test_person_inactive():
    assert screen(_person(status="inactive"), "ALD", TODAY).reasons == (
        "person_inactive",
    )


def test_check_missing():
    assert screen(_person(check_completed_on=None), "ALD", TODAY).reasons == (
        "check_missing",
    )


def test_check_dated_after_today_is_missing():
    person = _person(check_completed_on=date(2026, 12, 5))
    assert screen(person, "ALD", TODAY).reasons == ("check_missing",)


@pytest.mark.parametrize(
    ("completed", "valid_through"),
    [
        (date(2025, 12, 5), date(2026, 12, 4)),
        (date(2024, 2, 29), date(2025, 2, 28)),
        (date(2023, 3, 1), date(2024, 2, 29)),
        (date(2025, 12, 31), date(2026, 12, 30)),
    ],
)
def test_check_valid_through(completed, valid_through):
    assert check_valid_through(completed) == valid_through


def test_leap_day_anniversary_is_march_first():
    assert first_anniversary(date(2024, 2, 29)) == date(2025, 3, 1)
    assert first_anniversary(date(2028, 2, 29)) == date(2029, 3, 1)


@pytest.mark.parametrize(
    ("day", "admitted"),
    [(date(2025, 2, 28), True), (date(2025, 3, 1), False)],
)
def test_leap_day_check_edges(day, admitted):
    person = _person(
        check_completed_on=date(2024, 2, 29),
        agreement=_agreement(starts_on=date(2024, 1, 1), signed_on=date(2024, 1, 1)),
    )
    decision = screen(person, "ALD", day)
    assert decision.admitted is admitted
    assert decision.reasons == (() if admitted else ("check_expired",))


@pytest.mark.parametrize(
    ("day", "admitted"),
    [(date(2026, 12, 4), True), (date(2026, 12, 5), False)],
)
def test_check_expires_on_anniversary(day, admitted):
    person = _person(check_completed_on=date(2025, 12, 5))
    assert screen(person, "ALD", day).admitted is admitted


@pytest.mark.parametrize(
    ("days_left", "notice"),
    [(31, False), (30, True), (29, True), (1, True)],
)
def test_renewal_notice_threshold(days_left, notice):
    person = _person(check_completed_on=date(2025, 12, 5))
    anniversary = date(2026, 12, 5)
    day = date.fromordinal(anniversary.toordinal() - days_left)
    decision = screen(person, "ALD", day)
    assert decision.admitted
    assert (decision.notices == ("check_renewal_due",)) is notice


@pytest.mark.parametrize(("setting", "notice"), [(0, False), (6, False), (7, True)])
def test_renewal_notice_setting(setting, notice):
    person = _person(check_completed_on=date(2025, 12, 5))
    decision = screen(person, "ALD", date(2026, 11, 28), renewal_notice_days=setting)
    assert (decision.notices == ("check_renewal_due",)) is notice


def test_no_renewal_notice_on_refusal():
    person = _person(check_completed_on=date(2025, 12, 5), status="inactive")
    decision = screen(person, "ALD", TODAY)
    assert decision.notices == ()


@pytest.mark.parametrize(
    ("report", "confidential"),
    [("pending", "offense_report_pending"), ("unsuitable", "found_unsuitable")],
)
def test_offense_report_refers_to_principal(report, confidential):
    decision = screen(_person(offense_report=report), "ALD", TODAY)
    assert decision.reasons == ("refer_to_principal",)
    assert decision.confidential == (confidential,)
    assert confidential not in decision.reasons


def test_cleared_report_admits():
    assert screen(_person(offense_report="cleared"), "ALD", TODAY).admitted


def test_every_failing_rule_reported():
    person = _person(
        status="inactive",
        agreement=_agreement(
            status="terminated",
            starts_on=date(2027, 1, 1),
            ends_on=date(2026, 1, 1),
            schools=("BRK",),
        ),
        check_completed_on=date(2024, 1, 1),
        offense_report="unsuitable",
    )
    decision = screen(person, "ALD", TODAY)
    assert decision.reasons == (
        "person_inactive",
        "agreement_not_started",
        "agreement_expired",
        "agreement_terminated",
        "school_not_covered",
        "check_expired",
        "refer_to_principal",
    )
    assert decision.confidential == ("found_unsuitable",)


def test_unsigned_and_missing_check_both_reported():
    person = _person(
        agreement=_agreement(status="draft", signed_on=None), check_completed_on=None
    )
    assert screen(person, "ALD", TODAY).reasons == (
        "agreement_not_signed",
        "check_missing",
    )


def test_reasons_follow_reason_order():
    person = _person(
        check_completed_on=None, status="inactive", offense_report="pending"
    )
    reasons = screen(person, "ALD", TODAY).reasons
    assert list(reasons) == sorted(reasons, key=REASON_ORDER.index)


# Through `kiosk scan` with the shared fictional roster.

MORNING = FixedClock.at_local("2026-12-04T08:30", "America/Chicago")


def test_other_missouri_district_check_counts(rostered_config, tmp_path):
    result = run_scan(rostered_config, b"OTP-100013", MORNING, tmp_path)
    assert result["outcome"] == "signed_in"
    assert result["reasons"] == []
    store = Store(f"sqlite:///{tmp_path / 'data' / 'kiosk.db'}")
    try:
        with store.read() as session:
            check = session.query(BackgroundCheck).filter_by(person_id="P013").one()
            assert check.source == "other_missouri_district"
    finally:
        store.close()


@pytest.mark.parametrize(("days", "notices"), [(30, []), (96, ["check_renewal_due"])])
def test_renewal_notice_days_setting(make_config, tmp_path, days, notices):
    config = make_config(screening={"renewal_notice_days": days})
    status, output = run_kiosk(
        ["--config", str(config), "roster", "import", str(ROSTER_DIR)]
    )
    assert status == 0, output
    # P001's check anniversary is 2027-03-10, 96 days after this morning.
    result = run_scan(config, b"OTP-100001", MORNING, tmp_path)
    assert result["outcome"] == "signed_in"
    assert result["notices"] == notices
