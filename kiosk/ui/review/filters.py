"""Filtering and sorting the day view's rows (no UI code, so tests call it directly)."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.services.reports import DENIED, VisitRow

ALL = ""
OVERRIDDEN = "overridden"
REFUSED = "refused"
OUTCOME_FILTERS = (
    (REFUSED, "Refused at the kiosk"),
    (OVERRIDDEN, "Overridden"),
    ("in_building", "In building"),
    ("signed_out", "Signed out"),
    ("not_signed_out", "Not signed out"),
)

SORT_KEYS = ("time", "person", "organization", "outcome", "length")


@dataclass(frozen=True)
class ViewFilter:
    """What the principal narrowed the day view to."""

    text: str = ""
    """Words that must all appear in the person, organization, destination,
    reasons, override reason or note (case does not matter)."""
    organization: str = ALL
    outcome: str = ALL
    sort: str = "time"
    descending: bool = False

    @property
    def active(self) -> bool:
        return bool(self.text.strip() or self.organization or self.outcome)


def _haystack(row: VisitRow) -> str:
    parts = [
        row.person,
        row.organization,
        row.role,
        row.destination,
        row.reasons_text,
        row.override_by,
        row.override_reason,
        row.sign_out_note,
        row.how_signed_out,
        str(row.visit_id),
    ]
    return " ".join(parts).casefold()


def matches(row: VisitRow, view: ViewFilter) -> bool:
    if view.organization and row.organization != view.organization:
        return False
    if view.outcome == REFUSED and not row.refused_at_kiosk:
        return False
    if view.outcome == OVERRIDDEN and not row.overridden:
        return False
    if view.outcome not in (ALL, REFUSED, OVERRIDDEN) and row.outcome != view.outcome:
        return False
    haystack = _haystack(row)
    return all(word in haystack for word in view.text.casefold().split())


def _sort_key(name: str):  # type: ignore[no-untyped-def]
    if name == "person":
        return lambda row: (row.person.casefold(), row.time_in or "")
    if name == "organization":
        return lambda row: (row.organization.casefold(), row.time_in or "")
    if name == "outcome":
        return lambda row: (row.outcome != DENIED, row.outcome, row.time_in or "")
    if name == "length":
        return lambda row: (row.length_minutes or -1, row.time_in or "")
    return lambda row: (row.time_in or "", row.visit_id)


def apply(rows: list[VisitRow], view: ViewFilter) -> list[VisitRow]:
    """Return the rows ``view`` keeps, in its order."""
    kept = [row for row in rows if matches(row, view)]
    return sorted(kept, key=_sort_key(view.sort), reverse=view.descending)


def next_sort(current: str) -> str:
    return SORT_KEYS[(SORT_KEYS.index(current) + 1) % len(SORT_KEYS)]
