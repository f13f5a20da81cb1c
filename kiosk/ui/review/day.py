"""The day view: every visit of one day, its refusals and overrides, filtered and
sorted, with the selected visit's full details underneath."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Select, Static

from kiosk.services.export import summary_counts
from kiosk.services.plurals import counted
from kiosk.services.reports import VisitRow, day_rows
from kiosk.ui.literal import literal_cells
from kiosk.ui.review import filters
from kiosk.ui.review.columns import ColumnSpec, fit_table
from kiosk.ui.review.filters import ViewFilter
from kiosk.ui.review.messages import ActionDone, DayLoaded, StoreFailed

logger = logging.getLogger(__name__)

DAY_KEYS = Binding.Group("Day")

COLUMNS = (
    ColumnSpec("In", "time", 9),
    ColumnSpec("Out", "time", 9),
    ColumnSpec("Length", "length", 6),
    ColumnSpec("Person", "person", 12),
    ColumnSpec("Organization", "organization", 12),
    ColumnSpec("Role", None, 9),
    ColumnSpec("Destination", None, 11),
    ColumnSpec("How signed out", None, 14),
    ColumnSpec("Outcome", "outcome", 16),
)
"""The day table's columns. At 120 terminal columns the minimums fit with
room to spare; wider terminals give names and reasons more room."""

KEY_HINTS = "s sort · / search · f this person · esc clear filters"


def outcome_words(row: VisitRow) -> str:
    words = row.outcome_text
    if row.reasons:
        words += ": " + row.reasons_text
    return words


def row_texts(row: VisitRow) -> list[str]:
    """Return the text of each of a visit's cells in the day table."""
    return [
        row.clock_in,
        row.clock_out,
        row.length_text,
        row.person,
        row.organization,
        row.role,
        row.destination,
        row.how_signed_out,
        outcome_words(row),
    ]


def outcome_cell(row: VisitRow) -> Text:
    style = {
        "denied": "bold red",
        "not_signed_out": "bold yellow",
        "in_building": "green",
    }.get(row.outcome, "")
    if row.overridden:
        style = "bold magenta"
    cell = literal_cells(outcome_words(row))[0]
    cell.stylize(style)
    return cell


def describe_row(row: VisitRow) -> str:
    """Return the full details of one visit for the panel under the table."""
    lines = [
        f"Visit {row.visit_id}: {row.person}"
        + (f" ({row.role}, {row.organization})" if row.organization else ""),
        f"Identified by {row.credential or 'unknown'}; "
        f"{'arrived' if row.outcome != 'denied' else 'scanned'} {row.clock_in}"
        + (f", left {row.clock_out}" if row.clock_out else "")
        + (f", {row.length_text}" if row.length_text else "")
        + (f"; went to {row.destination}" if row.destination else ""),
    ]
    if row.refused_at_kiosk:
        lines.append(f"Refused at the kiosk: {row.reasons_text}")
    if row.overridden:
        lines.append(
            f"Override by {row.override_by or 'unknown'} at "
            f"{(row.overridden_at or '')[11:16]}: {row.override_reason}"
        )
    if row.outcome != "denied":
        lines.append(f"Sign-out: {row.how_signed_out}")
    if row.sign_out_note:
        lines.append(f"Note: {row.sign_out_note}")
    if row.notices:
        lines.append("Notices: " + ", ".join(n.replace("_", " ") for n in row.notices))
    if row.needs_time_out:
        lines.append("No time out yet: press o to record it.")
    return "\n".join(lines)


class DayScreen(Screen[None]):
    """One day's visits at the school."""

    # The footer fits in 120 columns: moving between days is one entry, and
    # the keys for searching and sorting are listed above the table instead.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "left_square_bracket",
            "move_day(-1)",
            "Day before",
            key_display="[",
            group=DAY_KEYS,
        ),
        Binding(
            "right_square_bracket",
            "move_day(1)",
            "Day after",
            key_display="]",
            group=DAY_KEYS,
        ),
        Binding("t", "today", "Today"),
        Binding("slash", "focus_search", "Search", key_display="/", show=False),
        Binding("s", "cycle_sort", "Sort", show=False),
        Binding("f", "only_person", "This person", show=False),
        Binding("escape", "clear_filters", "Clear filters", show=False),
        Binding("c", "charts", "Charts"),
        Binding("w", "week", "Week"),
        Binding("e", "digest", "Exceptions"),
        Binding("n", "not_signed_out", "Not signed out"),
        Binding("o", "record_time_out", "Record time out", show=False),
        Binding("k", "close_day", "Close day"),
        Binding("p", "export_pdf", "PDF"),
        Binding("x", "export_csv", "CSV"),
        Binding("r", "reverify", "Reload", show=False),
        Binding("ctrl+l", "app.lock", "Lock"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, day: date) -> None:
        super().__init__()
        self.day = day
        self.rows: list[VisitRow] = []
        self.shown: list[VisitRow] = []
        self.view = ViewFilter()
        self.loaded_day: date | None = None
        """The day whose rows are on screen (tests wait on it)."""
        self.log_ok: bool | None = None
        self.exported: Path | None = None
        """File the last export from this screen was written to."""
        self.column_widths: list[int] = []

    def compose(self) -> ComposeResult:
        # Every Static here shows names, notes or reasons as typed: none is
        # parsed as Textual markup.
        with Vertical(id="day"):
            with Horizontal(id="day-heading"):
                yield Static(id="day-title", markup=False)
                yield Static(id="log-status", markup=False)
            yield Static(id="day-summary", markup=False)
            with Horizontal(id="filters"):
                yield Input(
                    placeholder="Search person, organization, destination, reason",
                    id="search",
                )
                yield Select([], prompt="All organizations", id="organization")
                yield Select(
                    [(label, value) for value, label in filters.OUTCOME_FILTERS],
                    prompt="All outcomes",
                    id="outcome",
                )
            yield Static(id="sort-line", markup=False)
            yield DataTable(id="visits", cursor_type="row", zebra_stripes=True)
            yield Static(id="detail", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#visits", DataTable).focus()
        self.load()

    def on_resize(self) -> None:
        # The table has its new size only after the next layout.
        if self.loaded_day is not None:
            self.call_after_refresh(self.refresh_table, keep_cursor=True)

    # Loading

    def load(self) -> None:
        self.query_one("#day-title", Static).update(self._title())
        self.load_day(self.day)

    def _title(self) -> str:
        return f"{self.app.context.config.school_name}: {self.day:%A %d %B %Y}"  # type: ignore[attr-defined]

    @work(thread=True, group="load", exclusive=True, exit_on_error=False)
    def load_day(self, day: date) -> None:
        from kiosk.services.integrity import day_status, day_verifies, verify_chain
        from kiosk.services.reports import day_bounds

        app = self.app
        context = app.context  # type: ignore[attr-defined]
        try:
            with context.store.read() as session:
                if app.verification is None:  # type: ignore[attr-defined]
                    app.verification = verify_chain(session)  # type: ignore[attr-defined]
                result = app.verification  # type: ignore[attr-defined]
                rows = day_rows(
                    session, context.school, day, context.zone, confidential=True
                )
                status = day_status(session, result, context.school, day, context.zone)
                start, end = day_bounds(day, context.zone)
                ok = day_verifies(session, result, context.school, end, start)
        except Exception:
            logger.exception("loading the review of %s failed", day)
            self.post_message(StoreFailed(f"Could not read the visits of {day}."))
            return
        self.post_message(DayLoaded(day, rows, status, ok))

    def on_day_loaded(self, message: DayLoaded) -> None:
        if message.day != self.day:
            return
        self.rows = message.rows
        self.log_ok = message.log_ok
        status = self.query_one("#log-status", Static)
        status.update(message.log_status)
        status.set_class(not message.log_ok, "broken")
        organizations = sorted(
            {row.organization for row in self.rows if row.organization}
        )
        select = self.query_one("#organization", Select)
        keep = (
            self.view.organization if self.view.organization in organizations else None
        )
        select.set_options([(Text(name), name) for name in organizations])
        if keep:
            select.value = keep
        else:
            self.view = ViewFilter(
                self.view.text,
                filters.ALL,
                self.view.outcome,
                self.view.sort,
                self.view.descending,
            )
        self.refresh_table()
        self.loaded_day = message.day

    def on_store_failed(self, message: StoreFailed) -> None:
        self.notify(message.what, severity="error", timeout=8, markup=False)

    def on_action_done(self, message: ActionDone) -> None:
        self.notify(message.notice, timeout=6, markup=False)
        self.app.verification = None  # type: ignore[attr-defined]
        self.load()

    # Table

    def refresh_table(self, keep_cursor: bool = False) -> None:
        counts = summary_counts(self.rows)
        self.query_one("#day-summary", Static).update(
            f"{counted(counts['visits'], 'visit')} by "
            f"{counted(counts['people'], 'person', 'people')} · "
            f"{counts['refusals']} refused · {counts['overrides']} overridden · "
            f"{counts['not_signed_out']} not signed out · "
            f"{counts['in_building']} in the building"
        )
        self.shown = filters.apply(self.rows, self.view)
        order = "descending" if self.view.descending else "ascending"
        parts = [f"Sorted by {self.view.sort} ({order})."]
        if self.view.active:
            parts.append(f"{len(self.shown)} of {len(self.rows)} shown.")
        parts.append(KEY_HINTS)
        self.query_one("#sort-line", Static).update(" ".join(parts))
        table = self.query_one("#visits", DataTable)
        cursor = table.cursor_row
        cells = [row_texts(row) for row in self.shown]
        self.column_widths = fit_table(table, COLUMNS, cells, self.column_widths)
        table.clear()
        for row, texts in zip(self.shown, cells, strict=True):
            table.add_row(
                *literal_cells(*texts[:-1]),
                outcome_cell(row),
                key=str(row.visit_id),
            )
        if keep_cursor and self.shown:
            table.move_cursor(row=min(cursor, len(self.shown) - 1))
        if not self.shown:
            self.query_one("#detail", Static).update(
                "No visits match." if self.rows else "No visits on this day."
            )
        else:
            self.show_detail(self.shown[min(table.cursor_row, len(self.shown) - 1)])

    def selected(self) -> VisitRow | None:
        table = self.query_one("#visits", DataTable)
        if not self.shown or table.cursor_row < 0:
            return None
        return self.shown[min(table.cursor_row, len(self.shown) - 1)]

    def show_detail(self, row: VisitRow) -> None:
        self.query_one("#detail", Static).update(describe_row(row))

    @on(DataTable.RowHighlighted, "#visits")
    def row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        row = self.selected()
        if row is not None:
            self.show_detail(row)

    @on(DataTable.HeaderSelected, "#visits")
    def header_selected(self, event: DataTable.HeaderSelected) -> None:
        sorts = {spec.label: spec.sort for spec in COLUMNS}
        sort = sorts.get(str(event.column_key.value))
        if sort is None:
            return
        descending = not self.view.descending if sort == self.view.sort else False
        self.set_view(sort=sort, descending=descending)

    # Filters

    def set_view(self, **changes: object) -> None:
        values = {
            "text": self.view.text,
            "organization": self.view.organization,
            "outcome": self.view.outcome,
            "sort": self.view.sort,
            "descending": self.view.descending,
            **changes,
        }
        self.view = ViewFilter(**values)  # type: ignore[arg-type]
        self.refresh_table()

    @on(Input.Changed, "#search")
    def search_changed(self, event: Input.Changed) -> None:
        self.set_view(text=event.value)

    @on(Input.Submitted, "#search")
    def search_submitted(self) -> None:
        self.query_one("#visits", DataTable).focus()

    @on(Select.Changed, "#organization")
    def organization_changed(self, event: Select.Changed) -> None:
        value = event.value if isinstance(event.value, str) else filters.ALL
        if value != self.view.organization:
            self.set_view(organization=value)

    @on(Select.Changed, "#outcome")
    def outcome_changed(self, event: Select.Changed) -> None:
        value = event.value if isinstance(event.value, str) else filters.ALL
        if value != self.view.outcome:
            self.set_view(outcome=value)

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_clear_filters(self) -> None:
        self.query_one("#search", Input).value = ""
        self.query_one("#organization", Select).clear()
        self.query_one("#outcome", Select).clear()
        self.view = ViewFilter(sort=self.view.sort, descending=self.view.descending)
        self.refresh_table()
        self.query_one("#visits", DataTable).focus()

    def action_cycle_sort(self) -> None:
        self.set_view(sort=filters.next_sort(self.view.sort), descending=False)

    def action_only_person(self) -> None:
        row = self.selected()
        if row is not None:
            self.query_one("#search", Input).value = row.person

    # Moving

    def action_move_day(self, days: int) -> None:
        self.day += timedelta(days=days)
        self.load()

    def action_today(self) -> None:
        self.day = self.app.context.today()  # type: ignore[attr-defined]
        self.load()

    def action_reverify(self) -> None:
        self.app.verification = None  # type: ignore[attr-defined]
        self.load()

    # Other views and actions

    def action_charts(self) -> None:
        from kiosk.ui.review.views import ChartScreen

        self.app.push_screen(ChartScreen(self.day, self.rows))

    def action_week(self) -> None:
        from kiosk.ui.review.views import WeekScreen

        self.app.push_screen(WeekScreen(self.day))

    def action_digest(self) -> None:
        from kiosk.ui.review.views import DigestScreen

        self.app.push_screen(DigestScreen(self.day))

    def action_not_signed_out(self) -> None:
        from kiosk.ui.review.closing import NotSignedOutScreen

        self.app.push_screen(NotSignedOutScreen(self.day), lambda _: self.load())

    def action_record_time_out(self) -> None:
        from kiosk.ui.review.closing import TimeOutScreen

        row = self.selected()
        if row is None or not row.needs_time_out:
            self.notify("Pick a visit marked not signed out that has no time out.")
            return
        self.app.push_screen(TimeOutScreen(row), self._after_time_out)

    def _after_time_out(self, saved: bool | None) -> None:
        if saved:
            self.app.verification = None  # type: ignore[attr-defined]
            self.load()

    @work(thread=True, group="write", exit_on_error=False)
    def action_close_day(self) -> None:
        from kiosk.services.closing import close_open_visits

        context = self.app.context  # type: ignore[attr-defined]
        try:
            marked = close_open_visits(
                context.store,
                context.source,
                context.clock.now(),
                context.zone,
                context.config.closing_time,
            )
        except Exception:
            logger.exception("closing the day from the review failed")
            self.post_message(StoreFailed("Could not close the day."))
            return
        closing = context.config.review.closing_time
        notice = (
            f"Marked {counted(len(marked), 'visit')} not signed out."
            if marked
            else f"No open visits past closing time ({closing})."
        )
        self.post_message(ActionDone(notice))

    def action_export_pdf(self) -> None:
        self.export("pdf")

    def action_export_csv(self) -> None:
        self.export("csv")

    @work(thread=True, group="export", exit_on_error=False)
    def export(self, kind: str) -> None:
        from kiosk.ui.review.exporting import export_day

        try:
            path = export_day(self.app.context, self.app.member, self.day, kind)  # type: ignore[attr-defined]
        except OSError as exc:
            logger.exception("export of %s failed", self.day)
            self.post_message(StoreFailed(f"Export failed: {exc.strerror}"))
            return
        self.exported = path
        self.app.call_from_thread(
            self.notify, f"Saved {path}", timeout=10, markup=False
        )
