"""Visits marked not signed out, and the form a principal records a time out with."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Footer, Input, Static

from kiosk.services.closing import ClosingError, local_instant, record_time_out
from kiosk.services.reports import VisitRow
from kiosk.ui.literal import literal_cells
from kiosk.ui.review.columns import ColumnSpec, fit_table

logger = logging.getLogger(__name__)

DAYS_BACK = 14
"""Days before the viewed day whose not-signed-out visits the list shows."""

COLUMNS = (
    ColumnSpec("Date", None, 10),
    ColumnSpec("In", None, 9),
    ColumnSpec("Person", None, 12),
    ColumnSpec("Organization", None, 12),
    ColumnSpec("Time out", None, 12),
    ColumnSpec("Note", None, 16),
)


def row_texts(row: VisitRow) -> list[str]:
    """Return the text of each of a visit's cells in the list."""
    recorded = f"{row.clock_out} by {row.signed_out_by}" if row.time_out else "not yet"
    return [
        row.day,
        row.clock_in,
        row.person,
        row.organization,
        recorded,
        row.sign_out_note,
    ]


class NotSignedOutScreen(Screen[None]):
    """Every visit marked not signed out in the last two weeks."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("o", "record", "Record time out"),
        Binding("enter", "record", "Record time out", show=False),
    ]

    def __init__(self, day: date) -> None:
        super().__init__()
        self.day = day
        self.rows: list[VisitRow] = []
        self.loaded = False
        self.column_widths: list[int] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="page"):
            yield Static(
                f"Not signed out: {self.day - timedelta(days=DAYS_BACK)} to {self.day}",
                classes="page-title",
                markup=False,
            )
            yield Static(
                "Marked at closing time with no time out. Pick one and press o to "
                "record when the person really left.",
                id="nso-help",
                markup=False,
            )
            yield DataTable(id="nso", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#nso", DataTable).focus()
        self.load()

    def on_resize(self) -> None:
        # The table has its new size only after the next layout.
        if self.loaded:
            self.call_after_refresh(self.fill, self.rows, keep_cursor=True)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        from kiosk.services.reports import range_rows

        context = self.app.context  # type: ignore[attr-defined]
        try:
            with context.store.read() as session:
                rows = range_rows(
                    session,
                    context.school,
                    self.day - timedelta(days=DAYS_BACK),
                    self.day,
                    context.zone,
                    confidential=True,
                )
        except Exception:
            logger.exception("loading visits not signed out failed")
            self.app.call_from_thread(
                self.notify, "Could not read the visits.", markup=False
            )
            return
        marked = [row for row in rows if row.outcome == "not_signed_out"]
        self.app.call_from_thread(self.fill, marked)

    def fill(self, rows: list[VisitRow], keep_cursor: bool = False) -> None:
        self.rows = rows
        table = self.query_one("#nso", DataTable)
        cursor = table.cursor_row
        cells = [row_texts(row) for row in rows]
        self.column_widths = fit_table(table, COLUMNS, cells, self.column_widths)
        table.clear()
        for row, texts in zip(rows, cells, strict=True):
            table.add_row(*literal_cells(*texts), key=str(row.visit_id))
        if keep_cursor and rows:
            table.move_cursor(row=min(cursor, len(rows) - 1))
        if not rows:
            self.query_one("#nso-help", Static).update(
                "Nobody is marked not signed out."
            )
        self.loaded = True

    def action_back(self) -> None:
        self.dismiss(None)

    def action_record(self) -> None:
        table = self.query_one("#nso", DataTable)
        if not self.rows:
            return
        row = self.rows[min(table.cursor_row, len(self.rows) - 1)]
        if not row.needs_time_out:
            self.notify(f"The time out of visit {row.visit_id} is already recorded.")
            return
        self.app.push_screen(TimeOutScreen(row), self._after)

    def _after(self, saved: bool | None) -> None:
        if saved:
            self.load()


class TimeOutScreen(ModalScreen[bool]):
    """Record when a person marked not signed out really left, with a note."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, row: VisitRow) -> None:
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        with Vertical(id="timeout"):
            yield Static(
                f"Time out for {self.row.person}, in at {self.row.clock_in} on "
                f"{self.row.day}",
                id="timeout-title",
                markup=False,
            )
            yield Input(placeholder="Time out, HH:MM", id="timeout-at", max_length=5)
            yield Input(
                placeholder="How it is known (desk sheet, staff saw them leave…)",
                id="timeout-note",
                max_length=500,
            )
            yield Static("", id="timeout-message", markup=False)
            with Horizontal(id="timeout-buttons"):
                yield Button("Save", id="timeout-save", variant="primary")
                yield Button("Cancel", id="timeout-cancel")

    def on_mount(self) -> None:
        self.query_one("#timeout-at", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "timeout-at":
            self.query_one("#timeout-note", Input).focus()
        else:
            self.save()

    @on(Button.Pressed, "#timeout-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#timeout-save")
    def save(self) -> None:
        wall = self.query_one("#timeout-at", Input).value
        note = self.query_one("#timeout-note", Input).value
        self.query_one("#timeout-message", Static).update("Saving…")
        self.store_time_out(wall, note)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def store_time_out(self, wall: str, note: str) -> None:
        app = self.app
        context = app.context  # type: ignore[attr-defined]
        try:
            left = local_instant(date.fromisoformat(self.row.day), wall, context.zone)
            record_time_out(
                context.store,
                context.source,
                context.clock.now(),
                app.member,  # type: ignore[attr-defined]
                self.row.visit_id,
                left,
                note,
            )
        except ClosingError as exc:
            app.call_from_thread(self.failed, str(exc))
            return
        except Exception:
            logger.exception(
                "recording the time out of visit %d failed", self.row.visit_id
            )
            app.call_from_thread(self.failed, "The store did not answer; try again.")
            return
        app.call_from_thread(self.dismiss, True)

    def failed(self, reason: str) -> None:
        self.query_one("#timeout-message", Static).update(f"Not saved: {reason}.")
