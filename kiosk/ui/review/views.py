"""Charts of a day, the week by organization, and the exceptions digest."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from kiosk.services.activity import (
    Slot,
    arrivals_per_hour,
    occupancy,
    visits_per_organization,
    week_of,
)
from kiosk.services.closing import closing_instant
from kiosk.services.reports import VisitRow, day_bounds
from kiosk.ui.review.bars import bar_lines, paired_bar_lines

logger = logging.getLogger(__name__)

BAR_WIDTH = 48


class _TextScreen(Screen[None]):
    """A scrolling page of text that the worker fills in."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("q", "app.pop_screen", "Back", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="page"):
            # Organization and person names appear as typed, never as markup.
            yield Static(
                "Loading…", id="page-title", classes="page-title", markup=False
            )
            yield Static("", id="page-body", classes="page-body", markup=False)
        yield Footer()

    def show(self, title: str, body: str) -> None:
        self.query_one("#page-title", Static).update(title)
        self.query_one("#page-body", Static).update(body)
        self.body_text = body


def _visible_slots(slots: list[Slot]) -> list[Slot]:
    """Trim the night: keep 06:00 to 19:00 plus any slot with someone in."""
    return [slot for slot in slots if "06:00" <= slot.label < "19:00" or slot.value]


def chart_text(
    rows: list[VisitRow],
    day: date,
    zone: ZoneInfo,
    until: datetime,
    closing: datetime | None = None,
) -> str:
    """Return the two charts of a day: people in the building and arrivals per hour."""
    slots = _visible_slots(occupancy(rows, day, zone, until=until, closing=closing))
    peak = max((slot.value for slot in slots), default=0)
    lines = [
        f"People in the building (most at once in each half hour; peak {peak})",
        "",
    ]
    lines += bar_lines([(slot.label, slot.value) for slot in slots], BAR_WIDTH)
    lines += ["", "Arrivals per hour (█ signed in, ░ refused)", ""]
    lines += paired_bar_lines(arrivals_per_hour(rows, zone), BAR_WIDTH)
    return "\n".join(lines)


class ChartScreen(_TextScreen):
    """People in the building through the day, and arrivals per hour."""

    def __init__(self, day: date, rows: list[VisitRow]) -> None:
        super().__init__()
        self.day = day
        self.rows = rows
        self.body_text = ""

    def on_mount(self) -> None:
        context = self.app.context  # type: ignore[attr-defined]
        end = day_bounds(self.day, context.zone)[1]
        until = min(context.clock.now(), end)
        closing = closing_instant(self.day, context.zone, context.config.closing_time)
        self.show(
            f"Charts: {self.day:%A %d %B %Y}",
            chart_text(self.rows, self.day, context.zone, until, closing),
        )


def week_text(rows: list[VisitRow], monday: date) -> str:
    """Return the week's visits per organization as a table with a bar per total."""
    days = [monday + timedelta(days=n) for n in range(7)]
    per_org = visits_per_organization(rows)
    if not per_org:
        return "No visits this week."
    name_width = max(len(name) for name, _ in per_org)
    header = " ".join(f"{day:%a}".rjust(4) for day in days)
    lines = [f"{'Organization'.ljust(name_width)} {header}  Total", ""]
    for name, counts in per_org:
        cells = " ".join(str(counts.get(day.isoformat(), 0)).rjust(4) for day in days)
        lines.append(f"{name.ljust(name_width)} {cells}  {sum(counts.values()):5d}")
    lines += ["", "Visits per organization", ""]
    lines += bar_lines([(name, sum(c.values())) for name, c in per_org], BAR_WIDTH)
    totals = [
        (f"{day:%a %d}", sum(c.get(day.isoformat(), 0) for _, c in per_org))
        for day in days
    ]
    lines += ["", "Visits per day", ""]
    lines += bar_lines(totals, BAR_WIDTH)
    return "\n".join(lines)


class WeekScreen(_TextScreen):
    """Visits per organization over the week holding a day."""

    def __init__(self, day: date) -> None:
        super().__init__()
        self.monday, self.sunday = week_of(day)
        self.body_text = ""

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exit_on_error=False)
    def load(self) -> None:
        from kiosk.services.reports import range_rows

        context = self.app.context  # type: ignore[attr-defined]
        title = f"Week of {self.monday:%d %B} to {self.sunday:%d %B %Y}"
        try:
            with context.store.read() as session:
                rows = range_rows(
                    session, context.school, self.monday, self.sunday, context.zone
                )
        except Exception:
            logger.exception("loading the week of %s failed", self.monday)
            self.app.call_from_thread(self.show, title, "Could not read the week.")
            return
        self.app.call_from_thread(self.show, title, week_text(rows, self.monday))


class DigestScreen(_TextScreen):
    """The exceptions digest of a day."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *_TextScreen.BINDINGS,
        Binding("p", "export_pdf", "PDF"),
    ]

    def __init__(self, day: date) -> None:
        super().__init__()
        self.day = day
        self.body_text = ""
        self.digest = None

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exit_on_error=False)
    def load(self) -> None:
        from kiosk.services.digest import build_digest, digest_to_text

        context = self.app.context  # type: ignore[attr-defined]
        review = context.config.review
        try:
            with context.store.read() as session:
                digest = build_digest(
                    session,
                    context.school,
                    self.day,
                    context.zone,
                    long_visit_factor=review.long_visit_factor,
                    window_days=review.expiry_warning_days,
                )
        except Exception:
            logger.exception("building the digest of %s failed", self.day)
            self.app.call_from_thread(
                self.show, "Exceptions", "Could not read the log."
            )
            return
        self.digest = digest
        text = digest_to_text(digest)
        title, _, body = text.partition("\n")
        self.app.call_from_thread(self.show, title, body.strip("\n"))

    @work(thread=True, exit_on_error=False)
    def action_export_pdf(self) -> None:
        import os

        from kiosk.services.export import ReportScope
        from kiosk.services.pdf import digest_pdf

        if self.digest is None:
            return
        app = self.app
        context = app.context  # type: ignore[attr-defined]
        scope = ReportScope(
            school=context.school,
            school_name=context.config.school_name,
            first=self.day,
            last=self.day,
            generated_at=context.local_now(),
            zone=context.zone,
            prepared_for=app.member.display_name if app.member else "",  # type: ignore[attr-defined]
            confidential=True,
        )
        path = context.export_dir / f"digest-{context.school}-{self.day}.pdf"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(digest_pdf(self.digest, scope))
        except OSError as exc:
            logger.exception("digest export failed")
            app.call_from_thread(
                self.notify, f"Export failed: {exc.strerror}", markup=False
            )
            return
        app.call_from_thread(self.notify, f"Saved {path}", timeout=10, markup=False)
