"""Time from a sign-in decision to the badge's last byte at the printer.

A real store (SQLite in a temporary folder), the shared fixture roster and
the test network printer on 127.0.0.1, which responds to status requests, so
each badge also waits for the printer's responses before and after the job. The
clock starts when ``CheckIn.process`` has stored the decision and stops when
the printer receives the last byte; "returned" also counts the status answer
after the job and storing the outcome. Loopback hides network latency: on a
LAN add a few round trips (six status requests, connect, close).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from drivers.printer.fake import FakeNetworkPrinter
from kiosk.assembly import build_kiosk
from kiosk.clock import FixedClock
from kiosk.config import parse_config
from kiosk.services.roster import read_roster
from kiosk.store.roster import apply_roster

ROUNDS = 30
VARIANTS = {
    "80 mm, native QR (default profile)": {"paper_width": 80, "profile": "default"},
    "58 mm, raster QR (simple profile)": {"paper_width": 58, "profile": "simple"},
    "80 mm, native Code128": {
        "paper_width": 80,
        "profile": "default",
        "barcode": "code128",
    },
    "80 mm, raster QR, photo": {"paper_width": 80, "profile": "simple", "photo": True},
}


def _roster_dir() -> Path:
    from tests.support import ROSTER_DIR

    return ROSTER_DIR


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _measure(settings: dict, folder: Path) -> dict[str, float]:
    from tests.badge_support import still_photo
    from tests.support import SCANS

    wants_photo = settings.pop("photo", False)
    payload = (SCANS / "badge_P001_ALD.bin").read_bytes()
    with FakeNetworkPrinter() as printer:
        config = parse_config(
            {
                "kiosk": {"school": "ALD", "data_dir": str(folder)},
                "printer": {
                    "connection": "network",
                    "host": printer.host,
                    "port": printer.port,
                    **settings,
                },
            }
        )
        clock = FixedClock.at_local("2026-12-04T08:00", "America/Chicago")
        kiosk = build_kiosk(config, clock)
        apply_roster(
            kiosk.store, read_roster([_roster_dir()]), kiosk.station.source, clock.now()
        )
        photo = still_photo() if wants_photo else None
        to_last_byte, to_return, sizes = [], [], []
        try:
            for round_number in range(ROUNDS):
                result = kiosk.checkin.process(payload)
                decided = time.perf_counter()
                assert result.visit_id is not None
                outcome = kiosk.printer.print_visit(result.visit_id, photo=photo)
                returned = time.perf_counter()
                assert outcome.status == "printed", outcome
                job = printer.wait_for_jobs(round_number + 1)[-1]
                to_last_byte.append(job.last_byte_at - decided)
                to_return.append(returned - decided)
                sizes.append(len(job.data))
                clock.advance(timedelta(minutes=2))
                kiosk.checkin.process(payload)  # sign out for the next round
                clock.advance(timedelta(minutes=2))
        finally:
            kiosk.close()
    return {
        "median": statistics.median(to_last_byte) * 1000,
        "p95": _percentile(to_last_byte, 0.95) * 1000,
        "max": max(to_last_byte) * 1000,
        "returned": statistics.median(to_return) * 1000,
        "bytes": statistics.median(sizes),
    }


def run() -> str:
    rows = []
    for name, settings in VARIANTS.items():
        with tempfile.TemporaryDirectory() as folder:
            numbers = _measure(dict(settings), Path(folder))
        rows.append(
            f"| {name} | {numbers['median']:.0f} | {numbers['p95']:.0f} | "
            f"{numbers['max']:.0f} | {numbers['returned']:.0f} | "
            f"{numbers['bytes'] / 1024:.1f} |"
        )
    return "\n".join(
        [
            "## Printing: decision to last byte",
            "",
            f"{ROUNDS} sign-ins per row, each printed to the test network printer "
            "on 127.0.0.1 with status requests before and after the job "
            "(bench/printing.py).",
            "",
            "| badge | median ms | p95 ms | max ms | returned (median ms) | job KiB |",
            "|---|---:|---:|---:|---:|---:|",
            *rows,
        ]
    )
