"""Modal dialogs: override reason, desk sign-out note, one-time visitor."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from kiosk.services.desk.actions import MAX_VISITOR_NAME
from kiosk.services.desk.views import AlertView, PresentView
from kiosk.ui.desk.widgets import reason_text

TYPED_TEXT_BOUND = 500
"""Maximum length of a dialog input, in characters, against a huge paste."""


class OverrideDialog(ModalScreen[str | None]):
    """Asks for the reason to admit a refused person; returns it, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, alert: AlertView) -> None:
        super().__init__()
        self.alert = alert

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                f"Override: admit {self.alert.name}",
                classes="dialog-title",
                markup=False,
            )
            yield Static(
                f"{self.alert.organization}\n{reason_text(self.alert.reasons)}",
                markup=False,
            )
            yield Static("Reason for admitting this person today (required):")
            yield Input(id="override-reason", max_length=500)
            yield Static("", id="dialog-message")
            yield Static("Enter: admit and print badge    Esc: cancel", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        reason = event.value.strip()
        if len(reason) < 3:
            self.query_one("#dialog-message", Static).update("A reason is required.")
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)


class SignOutDialog(ModalScreen[str | None]):
    """Confirms a desk sign-out; returns the optional note ("" for none), or None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, person: PresentView) -> None:
        super().__init__()
        self.person = person

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                f"Sign out {self.person.name}", classes="dialog-title", markup=False
            )
            yield Static(self.person.organization, markup=False)
            if self.person.earlier_day is not None:
                yield Static(
                    f"Signed in on {self.person.earlier_day:%Y-%m-%d}: the visit is "
                    "marked not signed out, and the principal records the real "
                    "time out in the review.",
                    id="sign-out-earlier",
                )
            yield Static("Note (optional):")
            yield Input(id="sign-out-note", max_length=500)
            yield Static("Enter: sign out    Esc: cancel", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class VisitorDialog(ModalScreen[None]):
    """Signs in a one-time visitor who is not on the partner roster."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self) -> None:
        super().__init__()
        self.confirmed_name: str | None = None
        """A name staff chose to sign in although it is on the roster."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                "One-time visitor (not on the partner roster)", classes="dialog-title"
            )
            # The inputs take more than the service's limits on purpose: a
            # pasted name that is too long gets the service's message here
            # instead of being cut short without a word.
            yield Input(
                placeholder=f"full name (at most {MAX_VISITOR_NAME} characters)",
                id="visitor-name",
                max_length=TYPED_TEXT_BOUND,
            )
            yield Input(
                placeholder="purpose of the visit",
                id="visitor-purpose",
                max_length=TYPED_TEXT_BOUND,
            )
            yield Input(
                placeholder="destination (room or person, optional)",
                id="visitor-destination",
                max_length=TYPED_TEXT_BOUND,
            )
            yield Static("", id="dialog-message")
            yield Static(
                "Enter: next field; on the last field, sign in    Esc: cancel",
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one("#visitor-name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "visitor-destination":
            self.focus_next()
            return
        name = self.query_one("#visitor-name", Input).value
        purpose = self.query_one("#visitor-purpose", Input).value
        destination = event.value
        confirmed = self.confirmed_name == " ".join(name.split())
        self.show_message("Signing in…")
        self.app.sign_in_visitor(  # type: ignore[attr-defined]
            self, name, purpose, destination, confirmed
        )

    def show_message(self, text: str, error: bool = False) -> None:
        message = self.query_one("#dialog-message", Static)
        message.update(text)
        message.set_class(error, "error")

    def needs_confirmation(self, name: str, message: str) -> None:
        """Show that the name is on the roster, so a second submit signs in anyway."""
        self.confirmed_name = " ".join(name.split())
        self.show_message(message, error=True)

    def action_cancel(self) -> None:
        self.dismiss(None)
