"""Exports made from the review screen, saved under the data directory."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from kiosk.services.staff import StaffMember


def export_day(context, member: StaffMember | None, day: date, kind: str) -> Path:  # type: ignore[no-untyped-def]
    """Write the day's visits (``pdf`` or ``csv``) and return the file's path.

    The review is a principal's, so the export carries confidential reasons;
    the file is made readable by its owner only.
    """
    from kiosk.services.export import ReportScope, rows_to_csv
    from kiosk.services.pdf import report_pdf
    from kiosk.services.reports import day_rows

    with context.store.read() as session:
        rows = day_rows(session, context.school, day, context.zone, confidential=True)
    folder: Path = context.export_dir
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"visits-{context.school}-{day.isoformat()}.{kind}"
    if kind == "csv":
        data = rows_to_csv(rows, True).encode("utf-8")
    else:
        scope = ReportScope(
            school=context.school,
            school_name=context.config.school_name,
            first=day,
            last=day,
            generated_at=context.local_now(),
            zone=context.zone,
            prepared_for=member.display_name if member else "",
            confidential=True,
        )
        data = report_pdf(rows, scope)
    temporary = path.with_name(f".{path.name}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)
    return path
