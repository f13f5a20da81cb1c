"""Look a person up by name or date of birth and sign them in from the desk."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static

from kiosk.services.desk.console import DeskSignIn
from kiosk.services.desk.views import AlertView, PersonMatch
from kiosk.ui.desk.widgets import reason_text


class LookupScreen(ModalScreen[None]):
    """For someone without their badge or licence.

    Enter in the search box searches; Enter on a row signs that person in,
    screened by the kiosk's rules. A refusal can be overridden from here.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("ctrl+o", "override", "Override refusal"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.matches: list[PersonMatch] = []
        self.refusal: AlertView | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static("Find a person on the roster", classes="dialog-title")
            yield Input(
                placeholder="name, or date of birth (YYYY-MM-DD or MM/DD/YYYY)",
                id="lookup-query",
                max_length=100,
            )
            results = DataTable(id="lookup-results", cursor_type="row")
            results.add_columns("Name", "Organization", "Date of birth", "Role")
            yield results
            yield Static("", id="lookup-message")
            yield Static(
                "Enter on a row: sign in    Ctrl+O: override a refusal    Esc: close",
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one("#lookup-query", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        query = event.value.strip()
        if not query:
            return
        self.show_message("Searching…")
        self.app.lookup(self, query)  # type: ignore[attr-defined]

    def show_matches(self, matches: list[PersonMatch]) -> None:
        self.matches = matches
        table = self.query_one("#lookup-results", DataTable)
        table.clear()
        for match in matches:
            table.add_row(
                match.name,
                match.organization,
                match.date_of_birth.isoformat(),
                match.role,
                key=match.person_id,
            )
        if matches:
            table.focus()
            self.show_message(
                f"{len(matches)} found. Ask for the date of birth before signing in."
            )
        else:
            self.show_message("Nobody on the roster matches.", error=True)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        person_id = event.row_key.value
        if person_id is None:
            return
        self.refusal = None
        self.show_message("Screening…")
        self.app.sign_in_person(self, person_id)  # type: ignore[attr-defined]

    def show_sign_in(self, outcome: DeskSignIn) -> None:
        result = outcome.result
        if result.needs_badge:
            badge = outcome.badge.status if outcome.badge else "none"
            self.show_message(f"Signed in. Badge: {badge}.")
        elif outcome.alert is not None:
            self.refusal = outcome.alert
            hint = (
                " Ctrl+O to override."
                if outcome.alert.overridable
                else " Only the principal can override this."
            )
            self.show_message(
                f"Refused: {reason_text(outcome.alert.reasons)}.{hint}", error=True
            )
        else:
            self.show_message(f"Not signed in: {result.outcome}.", error=True)

    def show_message(self, text: str, error: bool = False) -> None:
        message = self.query_one("#lookup-message", Static)
        message.update(text)
        message.set_class(error, "error")

    def action_override(self) -> None:
        if self.refusal is None:
            self.show_message("Nothing to override.", error=True)
            return
        self.app.start_override(self.refusal)  # type: ignore[attr-defined]

    def action_close(self) -> None:
        self.dismiss(None)
