"""Counts behind the review charts: people in the building, arrivals, organizations.

Every count comes from stored instants. A day is walked in real time from
its first instant to the next day's, so the day daylight saving ends has 25
hours of slots and the day it starts has 23.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from kiosk.services.reports import DENIED, NOT_SIGNED_OUT, VisitRow, day_bounds


@dataclass(frozen=True)
class Slot:
    label: str
    """Local wall time the slot starts, ``HH:MM``."""
    value: int


def _instant(stamp: str | None) -> datetime | None:
    return datetime.fromisoformat(stamp) if stamp else None


def occupancy(
    rows: list[VisitRow],
    day: date,
    zone: ZoneInfo,
    *,
    until: datetime,
    closing: datetime | None = None,
    step: timedelta = timedelta(minutes=30),
) -> list[Slot]:
    """Return the most people in the building during each slot of ``day``.

    A visit still in the building counts until ``until`` (now, or the end
    of a past day). A visit marked not signed out with no time out recorded
    counts until ``closing``, when it was marked, or ``until`` without one.
    """
    # Aware datetimes that share a tzinfo add and compare by wall time in
    # Python, so the walk runs in UTC and only the labels are local.
    start, end = (bound.astimezone(UTC) for bound in day_bounds(day, zone))
    until = until.astimezone(UTC)
    spans = []
    for row in rows:
        began = _instant(row.time_in)
        if row.outcome == DENIED or began is None:
            continue
        began = began.astimezone(UTC)
        open_until = until
        if row.outcome == NOT_SIGNED_OUT and closing is not None:
            open_until = closing.astimezone(UTC)
        ended = _instant(row.time_out) or max(open_until, began)
        ended = ended.astimezone(UTC)
        spans.append((began, ended))

    slots = []
    at = start
    while at < end:
        slot_end = min(at + step, end)
        # Changes inside the slot: the peak is at the slot start or an arrival.
        moments = [at] + [b for b, _ in spans if at <= b < slot_end]
        peak = max(sum(1 for b, e in spans if b <= m < e) for m in moments)
        slots.append(Slot(at.astimezone(zone).strftime("%H:%M"), peak))
        at = slot_end
    return slots


def arrivals_per_hour(
    rows: list[VisitRow], zone: ZoneInfo
) -> list[tuple[str, int, int]]:
    """Return ``(HH:00, admitted, refused)`` for every local hour from the first
    scan's to the last one's, quiet hours included."""
    admitted: Counter[int] = Counter()
    refused: Counter[int] = Counter()
    for row in rows:
        began = _instant(row.time_in)
        if began is None:
            continue
        hour = began.astimezone(zone).hour
        (refused if row.outcome == DENIED else admitted)[hour] += 1
    seen = set(admitted) | set(refused)
    if not seen:
        return []
    return [
        (f"{hour:02d}:00", admitted[hour], refused[hour])
        for hour in range(min(seen), max(seen) + 1)
    ]


def week_of(day: date) -> tuple[date, date]:
    """Return the Monday and Sunday of the week holding ``day``."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def visits_per_organization(rows: list[VisitRow]) -> list[tuple[str, dict[str, int]]]:
    """Return each organization's visits per local date, busiest first.

    Refusals are left out; people with no organization (one-time visitors and
    unidentified scans) count under ``(no organization)``.
    """
    table: dict[str, Counter[str]] = {}
    for row in rows:
        if row.outcome == DENIED:
            continue
        name = row.organization or "(no organization)"
        table.setdefault(name, Counter())[row.day] += 1
    ordered = sorted(table.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    return [(name, dict(counts)) for name, counts in ordered]
