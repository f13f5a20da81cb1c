"""How long ``kiosk report verify``, the review's log check and a purge take
on an event log of realistic size (SQLite in a temporary folder)."""

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

SIZES = (10_000, 100_000)
"""Event counts: about a month of a busy school, and about a year of ten."""
SOURCE = EventSource("BENCH", "kiosk-1")
ZONE = ZoneInfo("America/Chicago")
BATCH = 2_000


def _fill(store: Store, count: int, start: datetime) -> None:
    step = timedelta(days=365) / count
    for first in range(0, count, BATCH):

        def work(session, first: int = first) -> None:  # type: ignore[no-untyped-def]
            for n in range(first, min(first + BATCH, count)):
                append_event(
                    session,
                    SOURCE,
                    "decision",
                    start + step * n,
                    visit_id=n + 1,
                    person_id=f"P{n % 500:04d}",
                    reasons=["check_expired"] if n % 17 == 0 else [],
                    detail={"admitted": n % 17 != 0},
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
        "The purge verifies the whole log before it deletes anything, so its time "
        "includes one verify.",
    ]
    return "\n".join(lines)
