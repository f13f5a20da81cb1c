"""The signed-in desk screen: alerts on top, who is in the building below."""

from __future__ import annotations

import logging
from typing import ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static, TabbedContent, TabPane

from kiosk.services.desk.views import AlertView, DeskSnapshot, PresentView
from kiosk.services.staff import StaffMember
from kiosk.ui.desk.widgets import StatusLine, local_clock, reason_text

logger = logging.getLogger(__name__)


def _fill(table: DataTable, rows: list[tuple[int, tuple[str, ...]]]) -> None:
    """Replace the rows of ``table``, keeping the cursor on the same visit."""
    selected = None
    if table.row_count and table.cursor_row < table.row_count:
        selected = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
    table.clear()
    for key, cells in rows:
        # Text cells: a name such as "Mary [Beth]" is shown as typed, not
        # read as markup.
        table.add_row(*(Text(cell) for cell in cells), key=str(key))
    keys = [str(key) for key, _ in rows]
    if selected in keys:
        table.move_cursor(row=keys.index(selected))


def _selected_id(table: DataTable) -> int | None:
    if not table.row_count:
        return None
    key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
    return int(key) if key is not None else None


class DeskScreen(Screen[None]):
    """The screen a signed-in clerk or principal works from."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "acknowledge", "Acknowledge"),
        Binding("o", "override", "Override"),
        Binding("f", "find", "Find person"),
        Binding("v", "visitor", "Visitor"),
        Binding("s", "sign_out", "Sign out"),
        Binding("r", "reprint", "Reprint"),
        Binding("m", "reviewed", "Missed: reviewed"),
        Binding("l", "lock", "Lock"),
    ]

    def __init__(self, staff: StaffMember, school_name: str, zone: ZoneInfo) -> None:
        super().__init__()
        self.staff = staff
        self.school_name = school_name
        self.zone = zone
        self.snapshot: DeskSnapshot | None = None
        """The snapshot on screen."""
        self._pending: DeskSnapshot | None = None

    def compose(self) -> ComposeResult:
        yield Static(
            f"{self.school_name} front desk | {self.staff.display_name} "
            f"({self.staff.role})",
            id="desk-title",
            markup=False,
        )
        yield Static("No open alerts", id="alerts-title")
        alerts = DataTable(id="alerts", cursor_type="row", zebra_stripes=True)
        alerts.add_columns("Time", "Name", "Organization", "Reason", "Kiosk")
        yield alerts
        with TabbedContent(id="tabs"):
            with TabPane("In the building", id="tab-present"):
                present = DataTable(id="present", cursor_type="row", zebra_stripes=True)
                present.add_columns("Since", "Name", "Organization", "How", "Badge")
                yield present
            with TabPane("Reprint queue", id="tab-queue"):
                queue = DataTable(id="queue", cursor_type="row")
                queue.add_columns("Since", "Name", "Organization")
                yield queue
            if self.staff.sees_confidential:
                with TabPane("Missed alerts", id="tab-missed"):
                    missed = DataTable(id="missed", cursor_type="row")
                    missed.add_columns("Date", "Time", "Name", "Organization", "Reason")
                    yield missed
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        if self._pending is not None:
            self.show(self._pending)
        if not (self.snapshot and self.snapshot.alerts):
            self.query_one("#present", DataTable).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Missed alerts are the principal's; clerks neither see nor review them.
        if action == "reviewed":
            return self.staff.sees_confidential
        return True

    # Showing the store

    def show(self, snapshot: DeskSnapshot) -> None:
        """Show ``snapshot``; one that arrives before mounting waits for it."""
        if not self.is_mounted:
            self._pending = snapshot
            return
        self._pending = None
        try:
            self._fill_widgets(snapshot)
        except NoMatches:
            # A poll that finished while the app was closing finds the
            # screen still on the stack but its widgets already removed.
            logger.debug("snapshot dropped: the desk screen is being removed")
            return
        self.snapshot = snapshot

    def _fill_widgets(self, snapshot: DeskSnapshot) -> None:
        alerts = self.query_one("#alerts", DataTable)
        _fill(
            alerts,
            [(alert.visit_id, self._alert_cells(alert)) for alert in snapshot.alerts],
        )
        title = self.query_one("#alerts-title", Static)
        count = len(snapshot.alerts)
        title.update(
            f"{count} open alert{'s' if count != 1 else ''}: A acknowledge, O override"
            if count
            else "No open alerts"
        )
        title.set_class(bool(count), "alerting")
        alerts.set_class(bool(count), "alerting")
        had_alerts = bool(self.snapshot and self.snapshot.alerts)
        if count and not had_alerts and self.focused is not alerts:
            # A and O act on the alert list's row, so the arrow keys must
            # move that row when a refusal comes in.
            alerts.focus()

        _fill(
            self.query_one("#present", DataTable),
            [(row.visit_id, self._present_cells(row)) for row in snapshot.present],
        )
        queue = snapshot.reprint_queue
        _fill(
            self.query_one("#queue", DataTable),
            [
                (
                    row.visit_id,
                    (row.since_text(self.zone), row.name, row.organization),
                )
                for row in queue
            ],
        )
        tabs = self.query_one(TabbedContent)
        tabs.get_tab("tab-present").label = f"In the building ({len(snapshot.present)})"
        tabs.get_tab("tab-queue").label = f"Reprint queue ({len(queue)})"
        if self.staff.sees_confidential:
            _fill(
                self.query_one("#missed", DataTable),
                [
                    (alert.visit_id, self._missed_cells(alert))
                    for alert in snapshot.missed
                ],
            )
            tabs.get_tab("tab-missed").label = f"Missed alerts ({len(snapshot.missed)})"
        self.query_one(StatusLine).show(snapshot.status)

    def _alert_cells(self, alert: AlertView) -> tuple[str, ...]:
        return (
            local_clock(alert.at, self.zone),
            alert.name,
            alert.organization,
            reason_text(alert.reasons),
            alert.kiosk_id,
        )

    def _missed_cells(self, alert: AlertView) -> tuple[str, ...]:
        local = alert.at.astimezone(self.zone)
        return (
            f"{local:%Y-%m-%d}",
            f"{local:%H:%M}",
            alert.name,
            alert.organization,
            reason_text(alert.reasons),
        )

    def _present_cells(self, row: PresentView) -> tuple[str, ...]:
        how = "VISITOR" if row.visitor else row.credential
        if row.overridden:
            how += " (override)"
        return (
            row.since_text(self.zone),
            row.name,
            row.organization,
            how,
            row.badge_status,
        )

    # Selection

    def selected_alert(self) -> AlertView | None:
        visit_id = _selected_id(self.query_one("#alerts", DataTable))
        alerts = self.snapshot.alerts if self.snapshot else []
        return next((a for a in alerts if a.visit_id == visit_id), None)

    def selected_person(self) -> PresentView | None:
        tabs = self.query_one(TabbedContent)
        table_id = "#queue" if tabs.active == "tab-queue" else "#present"
        visit_id = _selected_id(self.query_one(table_id, DataTable))
        present = self.snapshot.present if self.snapshot else []
        return next((p for p in present if p.visit_id == visit_id), None)

    def selected_missed(self) -> AlertView | None:
        if not self.staff.sees_confidential:
            return None
        visit_id = _selected_id(self.query_one("#missed", DataTable))
        missed = self.snapshot.missed if self.snapshot else []
        return next((a for a in missed if a.visit_id == visit_id), None)

    # Actions: the app does the work in worker threads.

    def action_acknowledge(self) -> None:
        alert = self.selected_alert()
        if alert is None:
            self.notify("No alert selected.", severity="warning")
            return
        self.app.acknowledge(alert)  # type: ignore[attr-defined]

    def action_override(self) -> None:
        alert = self.selected_alert()
        if alert is None:
            self.notify("No alert selected.", severity="warning")
            return
        self.app.start_override(alert)  # type: ignore[attr-defined]

    def action_find(self) -> None:
        self.app.open_lookup()  # type: ignore[attr-defined]

    def action_visitor(self) -> None:
        self.app.open_visitor()  # type: ignore[attr-defined]

    def action_sign_out(self) -> None:
        person = self.selected_person()
        if person is None:
            self.notify("Nobody selected in the building list.", severity="warning")
            return
        self.app.start_sign_out(person)  # type: ignore[attr-defined]

    def action_reprint(self) -> None:
        person = self.selected_person()
        if person is None:
            self.notify("Nobody selected in the building list.", severity="warning")
            return
        self.app.reprint(person)  # type: ignore[attr-defined]

    def action_reviewed(self) -> None:
        alert = self.selected_missed()
        if alert is None:
            self.notify("No missed alert selected.", severity="warning")
            return
        self.app.review_missed(alert)  # type: ignore[attr-defined]

    def action_lock(self) -> None:
        self.app.lock("signed_out")  # type: ignore[attr-defined]
