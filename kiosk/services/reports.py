"""The day's visits at a school, as rows for the screen, CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.store.models import Organization, Person, Visit


@dataclass(frozen=True)
class VisitRow:
    visit_id: int
    person_id: str | None
    person: str
    organization: str
    role: str
    time_in: str | None
    """Local time of the sign-in (ISO 8601 with offset); for a refusal, of the scan."""
    time_out: str | None
    """Local time of the sign-out; empty while in the building."""
    outcome: str
    """``in_building``, ``signed_out``, ``not_signed_out`` or ``denied``."""
    reasons: list[str]
    sign_out_method: str | None


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Return the first instant of ``day`` at the school and of the day after."""
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def _outcome(visit: Visit) -> str:
    if not visit.admitted:
        return "denied"
    if visit.signed_out_at is not None:
        return "signed_out"
    if visit.sign_out_method is not None:
        return "not_signed_out"
    return "in_building"


def day_rows(
    session: Session, school: str, day: date, zone: ZoneInfo
) -> list[VisitRow]:
    """Return one row per visit that began on ``day`` at ``school``, oldest first."""
    start, end = day_bounds(day, zone)
    visits = session.execute(
        select(Visit, Person, Organization)
        .outerjoin(Person, Visit.person_id == Person.person_id)
        .outerjoin(Organization, Person.org_id == Organization.org_id)
        .where(
            Visit.school == school, Visit.scanned_at >= start, Visit.scanned_at < end
        )
        .order_by(Visit.scanned_at, Visit.id)
    )
    rows = []
    for visit, person, org in visits:
        began = visit.signed_in_at or visit.scanned_at
        rows.append(
            VisitRow(
                visit_id=visit.id,
                person_id=visit.person_id,
                person=person.display_name if person else "(not identified)",
                organization=org.name if org else "",
                role=person.role if person else "",
                time_in=began.astimezone(zone).isoformat(timespec="seconds"),
                time_out=(
                    visit.signed_out_at.astimezone(zone).isoformat(timespec="seconds")
                    if visit.signed_out_at
                    else None
                ),
                outcome=_outcome(visit),
                reasons=list(visit.reasons),
                sign_out_method=visit.sign_out_method,
            )
        )
    return rows


def rows_to_json(rows: list[VisitRow]) -> str:
    return json.dumps([asdict(row) for row in rows], ensure_ascii=False, indent=2)


def rows_to_csv(rows: list[VisitRow]) -> str:
    buffer = io.StringIO()
    fields = list(VisitRow.__dataclass_fields__)
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        values = asdict(row)
        values["reasons"] = ";".join(row.reasons)
        writer.writerow(values)
    return buffer.getvalue()


def rows_to_table(rows: list[VisitRow]) -> str:
    def clock(stamp: str | None) -> str:
        return stamp[11:16] if stamp else ""

    header = ("PERSON", "ORGANIZATION", "IN", "OUT", "OUTCOME")
    lines = [header] + [
        (
            row.person,
            row.organization,
            clock(row.time_in),
            clock(row.time_out),
            row.outcome + (f" ({', '.join(row.reasons)})" if row.reasons else ""),
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = "\n".join(
        "  ".join(
            cell.ljust(width) for cell, width in zip(line, widths, strict=True)
        ).rstrip()
        for line in lines
    )
    return text + ("\n(no visits)" if not rows else "")
