"""How long a district roster import takes, from the CSV pair to the
committed store (SQLite in a temporary folder), and how long the kiosk's
badge look-up takes on a roster of that size.

Three imports per size: the first into an empty store, the same files again
(nothing changes), and the files with one person in a hundred changed, as an
hourly sync usually finds them."""

from __future__ import annotations

import csv
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from kiosk.services.codes import badge_key
from kiosk.services.roster import ORGANIZATION_COLUMNS, PEOPLE_COLUMNS, read_roster
from kiosk.store import Store
from kiosk.store.events import EventSource
from kiosk.store.roster import apply_roster, find_by_badge

SIZES = (10_000, 100_000)
"""People on the roster. The smaller is an estimate of a large district's
partner staff; the larger leaves ten times that margin."""
ORGANIZATIONS = 200
SOURCE = EventSource("BENCH", "kiosk-1")
LOOKUPS = 200


def _write_roster(folder: Path, count: int, changed_every: int = 0) -> list[Path]:
    """Write a fictional CSV pair of ``count`` people; when ``changed_every``
    is set, every such person gets a newer background check."""
    organizations = folder / "organizations.csv"
    people = folder / "people.csv"
    with organizations.open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(ORGANIZATION_COLUMNS)
        for n in range(ORGANIZATIONS):
            writer.writerow(
                [
                    f"ORG-{n:04d}",
                    f"Bench Partner {n}",
                    "community_partner",
                    "MOU",
                    "signed",
                    "2026-06-20",
                    "2026-07-01",
                    "2027-06-30",
                    "*",
                ]
            )
    born = date(1960, 1, 1)
    with people.open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(PEOPLE_COLUMNS)
        for n in range(count):
            checked = date(2026, 3, 1) + timedelta(days=n % 200)
            if changed_every and n % changed_every == 0:
                checked += timedelta(days=1)
            writer.writerow(
                [
                    f"B{n:06d}",
                    f"ORG-{n % ORGANIZATIONS:04d}",
                    f"Given{n}",
                    "",
                    f"Family{n % 5000}",
                    (born + timedelta(days=n % 15000)).isoformat(),
                    "volunteer" if n % 3 else "staff",
                    f"BENCH-{n:06d}",
                    "MO",
                    f"{n % 10000:04d}",
                    checked.isoformat(),
                    "district",
                    "none",
                    "active",
                ]
            )
    return [organizations, people]


def _timed_import(store: Store, paths: list[Path], at: datetime) -> float:
    began = time.perf_counter()
    roster = read_roster(paths)
    apply_roster(store, roster, SOURCE, at)
    return time.perf_counter() - began


def _lookup_ms(store: Store, count: int) -> float:
    """Median milliseconds for one badge look-up, as a kiosk scan makes it."""
    times = []
    for n in range(0, count, max(1, count // LOOKUPS)):
        key = badge_key(f"BENCH-{n:06d}")
        began = time.perf_counter()
        with store.read() as session:
            person = find_by_badge(session, key)
        times.append(time.perf_counter() - began)
        assert person is not None and person.person_id == f"B{n:06d}"
    return statistics.median(times) * 1000


def run() -> str:
    lines = [
        "## Roster import",
        "",
        "| people | first import (s) | unchanged (s) | 1 % changed (s) "
        "| badge look-up median (ms) |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    at = datetime(2026, 12, 4, 12, tzinfo=UTC)
    for count in SIZES:
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            store = Store(f"sqlite:///{folder / 'bench.db'}")
            store.migrate()
            first_files = folder / "first"
            first_files.mkdir()
            changed_files = folder / "changed"
            changed_files.mkdir()
            first_paths = _write_roster(first_files, count)
            changed_paths = _write_roster(changed_files, count, changed_every=100)

            first = _timed_import(store, first_paths, at)
            unchanged = _timed_import(store, first_paths, at)
            changed = _timed_import(store, changed_paths, at)
            lookup = _lookup_ms(store, count)
            store.close()
        lines.append(
            f"| {count:,} | {first:.1f} | {unchanged:.1f} | {changed:.1f} "
            f"| {lookup:.2f} |"
        )
    lines += [
        "",
        "Times include reading and checking the CSV files. Only changed rows are "
        "written, in one transaction, so a kiosk scanning during an import waits "
        "only for that write.",
    ]
    return "\n".join(lines)
