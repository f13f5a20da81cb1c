"""The lock screen: sign in with a username and PIN."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from kiosk.ui.desk.widgets import StatusLine


class LockScreen(Screen[None]):
    """Shown at start, after signing out, and when an idle session locks itself.

    While locked it shows only how many alerts are open, never who.
    """

    def __init__(self, school_name: str) -> None:
        super().__init__()
        self.school_name = school_name

    def compose(self) -> ComposeResult:
        with Vertical(id="lock"):
            yield Static(f"Front desk: {self.school_name}", id="lock-title")
            yield Static("Sign in with your username and PIN.", id="lock-prompt")
            yield Input(placeholder="username", id="username", max_length=64)
            yield Input(
                placeholder="PIN",
                password=True,
                id="pin",
                restrict=r"[0-9]*",
                max_length=12,
            )
            yield Static("", id="lock-message")
            yield Static("", id="lock-alerts")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#username", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        username = self.query_one("#username", Input)
        pin = self.query_one("#pin", Input)
        if event.input is username:
            pin.focus()
            self.show_message("Now your PIN, then Enter.")
            return
        if not username.value.strip():
            username.focus()
            return
        if not pin.value:
            self.show_message("Enter your PIN.")
            return
        self.show_message("Checking…")
        self.app.try_sign_in(username.value, pin.value)  # type: ignore[attr-defined]
        pin.value = ""

    def show_message(self, text: str, error: bool = False) -> None:
        message = self.query_one("#lock-message", Static)
        message.update(text)
        message.set_class(error, "error")

    def show_alert_count(self, count: int) -> None:
        text = f"{count} open alert{'s' if count != 1 else ''}: sign in to see them"
        widget = self.query_one("#lock-alerts", Static)
        widget.update(text if count else "")
        widget.set_class(bool(count), "alerting")

    def reset(self, message: str = "") -> None:
        self.query_one("#pin", Input).value = ""
        username = self.query_one("#username", Input)
        username.value = ""
        username.focus()
        self.show_message(message)
