"""How long ``kiosk report verify``, the review's log check and a purge take
on an event log of realistic size (SQLite in a temporary folder).

Each event is a visit's decision, so verify also compares one visit digest
per event."""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.services.integrity import verify_chain
from kiosk.services.retention import purge
from kiosk.store import Store
from kiosk.store.events import EventSource, append_event
from kiosk.store.models import Visit

SIZES = (10_000, 100_000)
"""Event counts: about a month of a busy school, and about a year of ten."""
SOURCE = EventSource("BENCH", "kiosk-1")
ZONE = ZoneInfo("America/Chicago")
BATCH = 2_000


def _fill(store: Store, count: int, start: datetime) -> None:
    """Store ``count`` visits over a year, each with its decision event, which
    records the visit's digest as the kiosk's scans do."""
    step = timedelta(days=365) / count
    for first in range(0, count, BATCH):

        def work(session, first: int = first) -> None:  # type: ignore[no-untyped-def]
            for n in range(first, min(first + BATCH, count)):
                at = start + step * n
                admitted = n % 17 != 0
                reasons = [] if admitted else ["check_expired"]
                session.add(
                    Visit(
                        id=n + 1,
                        school=SOURCE.school,
                        kiosk_id=SOURCE.kiosk_id,
                        credential="badge",
                        admitted=admitted,
                        reasons=reasons,
                        notices=[],
                        confidential_reasons=[],
                        scanned_at=at,
                        signed_in_at=at if admitted else None,
                        alert_status="none" if admitted else "open",
                    )
                )
                append_event(
                    session,
                    SOURCE,
                    "decision",
                    at,
                    visit_id=n + 1,
                    reasons=reasons,
                    detail={"admitted": admitted},
                )

        store.write(work)


def run() -> str:
    lines = [
        "## Event log: verify and purge",
        "",
        "| events | fill (s) | verify (s) | events/s | purge half (s) "
        "| verify after (s) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for count in SIZES:
        with tempfile.TemporaryDirectory() as folder:
            store = Store(f"sqlite:///{Path(folder) / 'bench.db'}")
            store.migrate()
            start = datetime(2025, 12, 1, tzinfo=UTC)
            began = time.perf_counter()
            _fill(store, count, start)
            filled = time.perf_counter() - began

            began = time.perf_counter()
            with store.read() as session:
                result = verify_chain(session)
            verified = time.perf_counter() - began
            assert result.ok and result.checked == count
            assert result.visits_checked == count

            now = start + timedelta(days=365)
            began = time.perf_counter()
            purge(store, SOURCE, now, ZONE, 183)
            purged = time.perf_counter() - began

            began = time.perf_counter()
            with store.read() as session:
                after = verify_chain(session)
            reverified = time.perf_counter() - began
            assert after.ok
            store.close()
        lines.append(
            f"| {count} | {filled:.1f} | {verified:.2f} | {count / verified:,.0f} "
            f"| {purged:.2f} | {reverified:.2f} |"
        )
    lines += [
        "",
        "Each event is one visit's decision, so verify also recomputes one visit "
        "digest per event. The purge verifies the whole log before it deletes "
        "anything, so its time includes one verify.",
    ]
    return "\n".join(lines)
