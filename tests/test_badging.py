"""BadgePrinter against a real store and a test printer on 127.0.0.1.

Every fault must leave the sign-in stored, log the fault, record the printer's
state for the desk, and put the badge in the reprint queue.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from drivers.printer.fake import (
    CLOSE_MID_JOB,
    REFUSE,
    STALL,
    UNREACHABLE,
    FakeNetworkPrinter,
)
from kiosk.clock import FixedClock
from kiosk.services.badging import FALLBACK, PRIMARY, BadgeError
from kiosk.services.reprints import dismiss_badge, reprint_queue
from tests.badge_support import (
    component,
    events_of,
    network_printer_section,
    open_kiosk,
    rostered,
    sign_in,
    still_photo,
    visit_row,
)
from tests.escpos_decode import decode_job

FAULTS = [
    ({"mode": REFUSE}, "refused", "connection refused"),
    ({"mode": UNREACHABLE}, "unreachable", "not reachable"),
    ({"mode": STALL}, "not_responding", "not answering status requests"),
    ({"mode": CLOSE_MID_JOB}, "io_error", "connection lost while printing"),
    ({"paper": "out"}, "paper_out", "paper out"),
    ({"cover_open": True}, "cover_open", "cover open"),
    ({"answers_status": False}, "not_responding", "not answering status requests"),
]


def test_printed_badge_records_event_and_state(make_config):
    with FakeNetworkPrinter() as printer:
        config = rostered(make_config, printer=network_printer_section(printer))
        with open_kiosk(config) as kiosk:
            visit_id = sign_in(kiosk)
            outcome = kiosk.printer.print_visit(visit_id)
            jobs = printer.wait_for_jobs(1)

            assert outcome.status == "printed"
            assert outcome.printer == PRIMARY
            assert not outcome.reprint
            assert visit_row(kiosk, visit_id).badge_status == "printed"
            kinds = [kind for kind, _ in events_of(kiosk, visit_id)]
            assert kinds[-1] == "print"
            state = component(kiosk)
            assert state is not None
            assert state.ok
            assert state.detail == "ready"
    decoded = decode_job(bytes(jobs[0].data))
    assert decoded.status_requests == [1, 2, 4, 1, 2, 4]
    assert "María José" in decoded.text
    assert decoded.native_codes[0]["data"] == kiosk.printer.key.code_for(visit_id)


@pytest.mark.parametrize(
    ("printer_setup", "reason", "words"),
    FAULTS,
    ids=[
        reason + "-" + "-".join(map(str, setup.values())) for setup, reason, _ in FAULTS
    ],
)
def test_fault_queues_badge_and_keeps_visit(make_config, printer_setup, reason, words):
    with FakeNetworkPrinter(**printer_setup) as printer:
        config = rostered(make_config, printer=network_printer_section(printer))
        with open_kiosk(config) as kiosk:
            visit_id = sign_in(kiosk)
            outcome = kiosk.printer.print_visit(visit_id)

            assert outcome.status == "queued"
            assert outcome.error == reason
            visit = visit_row(kiosk, visit_id)
            assert visit.admitted
            assert visit.signed_in_at is not None
            assert visit.badge_status == "queued"
            failed = [
                d for kind, d in events_of(kiosk, visit_id) if kind == "print_failed"
            ]
            assert failed == [{"printer": PRIMARY, "reprint": False, "error": reason}]
            state = component(kiosk)
            assert state is not None
            assert not state.ok
            assert state.detail == words
            with kiosk.store.read() as session:
                queue = reprint_queue(
                    session, "ALD", kiosk.clock.now(), kiosk.config.zone
                )
            assert [item.visit_id for item in queue] == [visit_id]
            assert queue[0].error == reason
            assert queue[0].attempts == 1
            assert queue[0].name == "María José Núñez-García"


def test_fault_takes_at_most_the_timeouts(make_config):
    with FakeNetworkPrinter(mode=STALL) as printer:
        config = rostered(
            make_config,
            printer=network_printer_section(printer, status_check=False),
        )
        with open_kiosk(config) as kiosk:
            visit_id = sign_in(kiosk)
            outcome = kiosk.printer.print_visit(visit_id, photo=still_photo())

    # Without status requests only a send that makes no progress shows the
    # stall; a badge with a photo is larger than the connection's buffers.
    assert outcome.status == "queued"
    assert outcome.error == "timed_out"
    assert outcome.seconds < 5


def test_reprint_keeps_code_and_says_reprint(make_config):
    with FakeNetworkPrinter(paper="out") as printer:
        config = rostered(make_config, printer=network_printer_section(printer))
        with open_kiosk(config) as kiosk:
            visit_id = sign_in(kiosk)
            assert kiosk.printer.print_visit(visit_id).status == "queued"
            printer.paper = "ok"

            outcome = kiosk.printer.print_visit(visit_id, staff_id=7)
            jobs = printer.wait_for_jobs(2)

            assert outcome.status == "printed"
            assert outcome.reprint
            assert visit_row(kiosk, visit_id).badge_status == "printed"
            printed = [d for kind, d in events_of(kiosk, visit_id) if kind == "print"]
            assert printed[-1]["staff_id"] == 7
            assert printed[-1]["reprint"] is True
            with kiosk.store.read() as session:
                assert (
                    reprint_queue(session, "ALD", kiosk.clock.now(), kiosk.config.zone)
                    == []
                )
            code = kiosk.printer.key.code_for(visit_id)
    decoded = decode_job(bytes(jobs[-1].data))
    assert any("REPRINT" in line for line in decoded.lines())
    assert decoded.native_codes[0]["data"] == code


def test_fallback_printer_takes_badge(make_config, tmp_path):
    with FakeNetworkPrinter(cover_open=True) as first, FakeNetworkPrinter() as second:
        config = rostered(
            make_config,
            printer=network_printer_section(first),
            printer_fallback=network_printer_section(
                second, location="the main office", paper_width=58
            ),
        )
        with open_kiosk(config) as kiosk:
            visit_id = sign_in(kiosk)
            outcome = kiosk.printer.print_visit(visit_id)
            jobs = second.wait_for_jobs(1)

            assert outcome.status == "printed"
            assert outcome.at_fallback
            assert outcome.location == "the main office"
            assert outcome.error == "cover_open"
            assert visit_row(kiosk, visit_id).badge_status == "printed"
            kinds = [
                (kind, d["printer"])
                for kind, d in events_of(kiosk, visit_id)
                if "printer" in d
            ]
            assert kinds == [("print_failed", PRIMARY), ("print", FALLBACK)]
            primary, fallback = component(kiosk, PRIMARY), component(kiosk, FALLBACK)
            assert primary is not None
            assert not primary.ok
            assert fallback is not None
            assert fallback.ok
    decoded = decode_job(bytes(jobs[0].data))
    assert max(raster.shape[1] for raster in decoded.rasters) == 384


def test_both_printers_down_queues_badge(make_config):
    with (
        FakeNetworkPrinter(mode=REFUSE) as first,
        FakeNetworkPrinter(paper="out") as second,
    ):
        config = rostered(
            make_config,
            printer=network_printer_section(first),
            printer_fallback=network_printer_section(second),
        )
        with open_kiosk(config) as kiosk:
            visit_id = sign_in(kiosk)
            outcome = kiosk.printer.print_visit(visit_id)

            assert outcome.status == "queued"
            assert outcome.error == "paper_out"
            assert visit_row(kiosk, visit_id).badge_status == "queued"


def test_photo_stored_and_printed(make_config):
    with FakeNetworkPrinter() as printer:
        config = rostered(make_config, printer=network_printer_section(printer))
        with open_kiosk(config) as kiosk:
            visit_id = sign_in(kiosk)
            kiosk.printer.print_visit(visit_id, photo=still_photo())
            kiosk.printer.print_visit(visit_id)
            jobs = printer.wait_for_jobs(2)
            path = visit_row(kiosk, visit_id).photo_path

    assert path is not None
    assert path.endswith(f"visit-{visit_id}.jpg")
    with_photo, reprinted = (decode_job(bytes(job.data)) for job in jobs)
    # The cue row holds the photo beside the day shape, so it is wider than
    # the shape alone; the reprint loads the stored photo.
    assert with_photo.rasters[0].shape == reprinted.rasters[0].shape
    assert (with_photo.rasters[0] == 0).sum() > 0


def test_photo_off_prints_cue_only(make_config):
    with FakeNetworkPrinter() as printer:
        config = rostered(
            make_config, printer=network_printer_section(printer, photo=False)
        )
        with open_kiosk(config) as kiosk:
            visit_id = sign_in(kiosk)
            kiosk.printer.print_visit(visit_id, photo=still_photo())
            jobs = printer.wait_for_jobs(1)
    with FakeNetworkPrinter() as printer:
        config = rostered(make_config, printer=network_printer_section(printer))
        with open_kiosk(config) as kiosk:
            visit_id = sign_in(kiosk)
            kiosk.printer.print_visit(visit_id, photo=still_photo())
            with_photo = printer.wait_for_jobs(1)
    cue_only = decode_job(bytes(jobs[0].data)).rasters[0]
    cue_and_photo = decode_job(bytes(with_photo[0].data)).rasters[0]
    assert (cue_only == 0).sum() < (cue_and_photo == 0).sum()


def test_signed_out_visit_has_no_badge(make_config):
    with FakeNetworkPrinter() as printer:
        config = rostered(make_config, printer=network_printer_section(printer))
        with open_kiosk(config) as kiosk:
            visit_id = sign_in(kiosk)
            assert isinstance(kiosk.clock, FixedClock)
            kiosk.clock.advance(timedelta(minutes=5))
            sign_in_again = kiosk.checkin.process(
                kiosk.printer.key.code_for(visit_id).encode()
            )
            assert sign_in_again.outcome == "signed_out"

            with pytest.raises(BadgeError, match="signed out"):
                kiosk.printer.print_visit(visit_id)
            with pytest.raises(BadgeError, match="not found"):
                kiosk.printer.print_visit(9999)


def test_queue_lists_stale_pending_and_dismisses(make_config):
    with FakeNetworkPrinter() as printer:
        config = rostered(make_config, printer=network_printer_section(printer))
        with open_kiosk(config) as kiosk:
            visit_id = sign_in(kiosk)
            zone = kiosk.config.zone
            assert isinstance(kiosk.clock, FixedClock)
            with kiosk.store.read() as session:
                assert reprint_queue(session, "ALD", kiosk.clock.now(), zone) == []
            # The kiosk stopped before printing: after a while the desk sees it.
            kiosk.clock.advance(timedelta(minutes=3))
            with kiosk.store.read() as session:
                queue = reprint_queue(session, "ALD", kiosk.clock.now(), zone)
            assert [(item.visit_id, item.error) for item in queue] == [(visit_id, None)]

            dismiss_badge(
                kiosk.store, visit_id, kiosk.station.source, kiosk.clock.now(), 3
            )

            with kiosk.store.read() as session:
                assert reprint_queue(session, "ALD", kiosk.clock.now(), zone) == []
            assert visit_row(kiosk, visit_id).badge_status == "dismissed"
            assert events_of(kiosk, visit_id)[-1] == (
                "badge_dismissed",
                {"staff_id": 3},
            )
            with pytest.raises(BadgeError, match="not waiting"):
                dismiss_badge(
                    kiosk.store, visit_id, kiosk.station.source, kiosk.clock.now()
                )


def test_queue_forgets_yesterday(make_config):
    with FakeNetworkPrinter(mode=REFUSE) as printer:
        config = rostered(make_config, printer=network_printer_section(printer))
        with open_kiosk(config) as kiosk:
            sign_in(kiosk)
            kiosk.printer.print_visit(1)
            assert isinstance(kiosk.clock, FixedClock)
            kiosk.clock.advance(timedelta(days=1))
            with kiosk.store.read() as session:
                assert (
                    reprint_queue(session, "ALD", kiosk.clock.now(), kiosk.config.zone)
                    == []
                )


def test_check_printers_records_paper_low(make_config):
    with FakeNetworkPrinter(paper="low") as printer:
        config = rostered(make_config, printer=network_printer_section(printer))
        with open_kiosk(config) as kiosk:
            assert kiosk.printer.check_printers() == [
                (PRIMARY, True, "paper low", None)
            ]
            printer.cover_open = True
            assert kiosk.printer.check_printers() == [
                (PRIMARY, False, "cover open", "cover_open")
            ]
            state = component(kiosk)
            assert state is not None
            assert state.detail == "cover open"


def test_check_printers_fails_silent_printer(make_config):
    with FakeNetworkPrinter(answers_status=False) as printer:
        config = rostered(make_config, printer=network_printer_section(printer))
        with open_kiosk(config) as kiosk:
            checks = kiosk.printer.check_printers()
            state = component(kiosk)

    assert checks == [
        (PRIMARY, False, "not answering status requests", "not_responding")
    ]
    assert state is not None
    assert not state.ok
    assert state.detail == "not answering status requests"


@pytest.mark.postgres
def test_component_status_upserts_on_postgres(make_config, pg_url):
    with FakeNetworkPrinter() as printer:
        config = rostered(
            make_config,
            store={"url": pg_url},
            printer=network_printer_section(printer),
        )
        with open_kiosk(config) as kiosk:
            visit_id = sign_in(kiosk)
            kiosk.printer.print_visit(visit_id)
            printer.paper = "out"
            kiosk.printer.check_printers()
            state = component(kiosk)
            assert state is not None
            assert not state.ok
            assert state.detail == "paper out"
