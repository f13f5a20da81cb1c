"""The rescan guard: a badge scanned again soon after a sign-in or sign-out,
or read again by the camera while it is held up, leaves the person as they are.

Check-in runs on a real SQLite store with the shared fixture roster; the clock
is fixed and moved by hand.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from kiosk.services.checkin import (
    ALREADY_SIGNED_IN,
    ALREADY_SIGNED_OUT,
    DENIED,
    SIGNED_IN,
    SIGNED_OUT,
)
from kiosk.store.models import Event, Person, Visit
from tests.badge_support import open_kiosk, rostered
from tests.support import SCANS

BADGE = (SCANS / "badge_P001_ALD.bin").read_bytes()
LICENCE = (SCANS / "dl_v8_P001.bin").read_bytes()


def visit_count(kiosk) -> int:
    with kiosk.store.read() as session:
        return session.scalar(select(func.count()).select_from(Visit))


def sign_in_then_out(kiosk) -> int:
    """Sign P001 in, and out an hour later; return the visit id."""
    signed_in = kiosk.checkin.process(BADGE)
    assert signed_in.outcome == SIGNED_IN
    kiosk.clock.advance(timedelta(hours=1))
    signed_out = kiosk.checkin.process(BADGE)
    assert signed_out.outcome == SIGNED_OUT
    assert signed_out.notices == []
    assert signed_out.visit_id is not None
    return signed_out.visit_id


def test_scan_soon_after_sign_out_keeps_person_out(make_config):
    with open_kiosk(rostered(make_config)) as kiosk:
        visit_id = sign_in_then_out(kiosk)

        kiosk.clock.advance(timedelta(seconds=10))
        again = kiosk.checkin.process(BADGE)

        assert again.outcome == SIGNED_OUT
        assert again.notices == [ALREADY_SIGNED_OUT]
        assert again.visit_id == visit_id
        assert again.first_name == "María José"
        assert visit_count(kiosk) == 1


def test_licence_soon_after_sign_out_keeps_person_out(make_config):
    with open_kiosk(rostered(make_config)) as kiosk:
        sign_in_then_out(kiosk)

        kiosk.clock.advance(timedelta(seconds=30))
        again = kiosk.checkin.process(LICENCE)

        assert again.outcome == SIGNED_OUT
        assert again.notices == [ALREADY_SIGNED_OUT]
        assert visit_count(kiosk) == 1


def test_scan_after_guard_signs_in_again(make_config):
    with open_kiosk(rostered(make_config)) as kiosk:
        first_visit = sign_in_then_out(kiosk)

        kiosk.clock.advance(timedelta(seconds=60))
        back = kiosk.checkin.process(BADGE)

        assert back.outcome == SIGNED_IN
        assert back.notices == []
        assert back.visit_id != first_visit
        assert visit_count(kiosk) == 2


def test_scan_soon_after_sign_in_keeps_person_in(make_config):
    with open_kiosk(rostered(make_config)) as kiosk:
        signed_in = kiosk.checkin.process(BADGE)

        kiosk.clock.advance(timedelta(seconds=59))
        again = kiosk.checkin.process(BADGE)

        assert again.outcome == SIGNED_IN
        assert again.notices == [ALREADY_SIGNED_IN]
        assert again.visit_id == signed_in.visit_id
        assert not again.needs_badge


def test_camera_repeat_never_toggles(make_config):
    config = rostered(make_config, kiosk={"rescan_guard_seconds": 5})
    with open_kiosk(config) as kiosk:
        # A badge held up at the camera past the guard: every read after the
        # first is a repeat, and none of them signs the person out.
        signed_in = kiosk.checkin.process(BADGE)
        outcomes = []
        for _ in range(3):
            kiosk.clock.advance(timedelta(seconds=10))
            result = kiosk.checkin.process(BADGE, repeat=True)
            outcomes.append((result.outcome, result.notices, result.visit_id))

        assert outcomes == [(SIGNED_IN, [ALREADY_SIGNED_IN], signed_in.visit_id)] * 3
        assert visit_count(kiosk) == 1


def test_camera_repeat_after_sign_out_never_signs_in(make_config):
    config = rostered(make_config, kiosk={"rescan_guard_seconds": 5})
    with open_kiosk(config) as kiosk:
        visit_id = sign_in_then_out(kiosk)
        outcomes = []
        for _ in range(3):
            kiosk.clock.advance(timedelta(seconds=10))
            result = kiosk.checkin.process(BADGE, repeat=True)
            outcomes.append((result.outcome, result.notices, result.visit_id))

        assert outcomes == [(SIGNED_OUT, [ALREADY_SIGNED_OUT], visit_id)] * 3
        assert visit_count(kiosk) == 1
        with kiosk.store.read() as session:
            scans = session.scalars(select(Event).where(Event.kind == "scan")).all()
        assert [scan.detail.get("repeat", False) for scan in scans] == [
            False,
            False,
            True,
            True,
            True,
        ]


def open_alerts(kiosk) -> int:
    with kiosk.store.read() as session:
        return session.scalar(
            select(func.count()).select_from(Visit).where(Visit.alert_status == "open")
        )


def test_camera_repeat_of_refusal_stores_one(make_config):
    expired = (SCANS / "badge_P003_ALD.bin").read_bytes()
    with open_kiosk(rostered(make_config)) as kiosk:
        refused = kiosk.checkin.process(expired)
        outcomes = []
        for _ in range(3):
            kiosk.clock.advance(timedelta(seconds=10))
            result = kiosk.checkin.process(expired, repeat=True)
            outcomes.append((result.outcome, result.reasons, result.visit_id))

        assert refused.outcome == DENIED
        assert outcomes == [(DENIED, ["check_expired"], refused.visit_id)] * 3
        assert visit_count(kiosk) == 1
        assert open_alerts(kiosk) == 1


def test_camera_repeat_of_unknown_stores_one(make_config):
    unknown = (SCANS / "badge_unknown.bin").read_bytes()
    with open_kiosk(rostered(make_config)) as kiosk:
        kiosk.checkin.process(unknown)
        kiosk.clock.advance(timedelta(seconds=10))
        again = kiosk.checkin.process(unknown, repeat=True)

        assert again.outcome == DENIED
        assert again.reasons == ["not_on_roster"]
        assert visit_count(kiosk) == 1
        assert open_alerts(kiosk) == 1


def test_rescan_of_refusal_screens_again(make_config):
    # A deliberate second scan (not a camera repeat) is screened afresh, so a
    # roster fixed in the meantime lets the person in.
    expired = (SCANS / "badge_P003_ALD.bin").read_bytes()
    with open_kiosk(rostered(make_config)) as kiosk:
        kiosk.checkin.process(expired)
        kiosk.clock.advance(timedelta(seconds=10))
        again = kiosk.checkin.process(expired)

        assert again.outcome == DENIED
        assert visit_count(kiosk) == 2


def test_desk_sign_in_not_held_by_guard(make_config):
    with open_kiosk(rostered(make_config)) as kiosk:
        sign_in_then_out(kiosk)
        kiosk.clock.advance(timedelta(seconds=10))
        now = kiosk.clock.now()

        def sign_in_at_desk(session):
            person = session.get(Person, "P001")
            return kiosk.checkin.screen_person(session, person, "desk", now)

        result = kiosk.store.write(sign_in_at_desk)

        assert result.outcome == SIGNED_IN
        assert visit_count(kiosk) == 2
