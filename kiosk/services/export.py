"""Visit rows as a text table, CSV and JSON.

Confidential refusal reasons appear only in rows built for a principal
(``VisitRow.confidential_reasons`` is not None); every other export leaves the
column out entirely rather than leaving it blank.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.services.freetext import shorten
from kiosk.services.reports import DISPLAY_ONLY_FIELDS, VisitRow

LIST_FIELDS = ("reasons", "notices", "confidential_reasons")

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a CSV cell as a formula."""


@dataclass(frozen=True)
class ReportScope:
    """What an export covers and who it was made for."""

    school: str
    school_name: str
    first: date
    last: date
    generated_at: datetime
    """Local instant the export was made."""
    zone: ZoneInfo
    """The school's time zone."""
    prepared_for: str = ""
    """Display name of the signed-in staff member; empty for an anonymous export."""
    confidential: bool = False
    """True when the rows carry confidential refusal reasons."""

    @property
    def period(self) -> str:
        if self.first == self.last:
            return self.first.isoformat()
        return f"{self.first.isoformat()} to {self.last.isoformat()}"


def field_names(confidential: bool) -> list[str]:
    names = [f.name for f in fields(VisitRow) if f.name not in DISPLAY_ONLY_FIELDS]
    if not confidential:
        names.remove("confidential_reasons")
    return names


def row_dict(row: VisitRow, confidential: bool) -> dict[str, Any]:
    values = asdict(row)
    for name in DISPLAY_ONLY_FIELDS:
        values.pop(name)
    if not confidential:
        values.pop("confidential_reasons")
    elif values["confidential_reasons"] is None:
        values["confidential_reasons"] = []
    return values


def rows_to_json(rows: list[VisitRow]) -> str:
    """Return the rows as a JSON list (the ``kiosk report day`` format)."""
    confidential = any(row.confidential_reasons is not None for row in rows)
    return json.dumps(
        [row_dict(row, confidential) for row in rows], ensure_ascii=False, indent=2
    )


def report_to_json(rows: list[VisitRow], scope: ReportScope) -> str:
    """Return a range export: what it covers, counts, and the visits."""
    document = {
        "school": scope.school,
        "school_name": scope.school_name,
        "from": scope.first.isoformat(),
        "to": scope.last.isoformat(),
        "generated_at": scope.generated_at.isoformat(timespec="seconds"),
        "prepared_for": scope.prepared_for,
        "confidential_reasons_included": scope.confidential,
        "summary": summary_counts(rows),
        "visits": [row_dict(row, scope.confidential) for row in rows],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def csv_cell(value: object) -> object:
    """Return ``value`` as a spreadsheet shows it as text, never as a formula.

    A text cell starting with ``=``, ``+``, ``-``, ``@``, Tab or CR gets a
    leading single quote, as the OWASP "CSV Injection" page advises. Numbers
    and empty cells are left alone.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def rows_to_csv(rows: list[VisitRow], confidential: bool | None = None) -> str:
    """Return the rows as CSV with a header line; lists are joined with ``;``.

    Text that a spreadsheet would run as a formula is neutralized (see
    ``csv_cell``); the JSON exports keep every value exactly.
    """
    if confidential is None:
        confidential = any(row.confidential_reasons is not None for row in rows)
    buffer = io.StringIO()
    # RFC 4180 line ends: the writer then quotes every cell that holds a CR
    # or LF, so a stray CR cannot start a new row (and a formula) in a reader.
    writer = csv.DictWriter(
        buffer, fieldnames=field_names(confidential), lineterminator="\r\n"
    )
    writer.writeheader()
    for row in rows:
        values = row_dict(row, confidential)
        for name in LIST_FIELDS:
            if name in values:
                values[name] = ";".join(values[name] or [])
        writer.writerow({name: csv_cell(value) for name, value in values.items()})
    return buffer.getvalue()


TABLE_NAME_WIDTH = 40
"""Maximum width of the person and organization columns of the plain-text
table, in characters. Longer names are cut with "…"."""


def rows_to_table(rows: list[VisitRow]) -> str:
    """Return a plain-text table: person, organization, in, out, outcome."""
    header = ("PERSON", "ORGANIZATION", "IN", "OUT", "OUTCOME")
    lines = [header] + [
        (
            shorten(row.person, TABLE_NAME_WIDTH),
            shorten(row.organization, TABLE_NAME_WIDTH),
            row.clock_in,
            row.clock_out,
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


def summary_counts(rows: list[VisitRow]) -> dict[str, int]:
    """Return the counts shown above every day view and export."""
    admitted = [row for row in rows if row.outcome != "denied"]
    return {
        "visits": len(admitted),
        "people": len({row.person_id or row.person for row in admitted}),
        "refusals": sum(1 for row in rows if row.refused_at_kiosk),
        "overrides": sum(1 for row in rows if row.overridden),
        "not_signed_out": sum(1 for row in rows if row.outcome == "not_signed_out"),
        "in_building": sum(1 for row in rows if row.outcome == "in_building"),
    }
