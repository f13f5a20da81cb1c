"""The review's sign-in: a principal's username and PIN; clerks are turned away."""

from __future__ import annotations

import logging
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Static

from kiosk.services.staff import StaffError, StaffMember, authenticate
from kiosk.ui.review.messages import SignInFailed, SignInSucceeded

logger = logging.getLogger(__name__)


class SignInScreen(Screen[None]):
    """Username and PIN; the review opens for principals only."""

    BINDINGS: ClassVar[list[BindingType]] = [("ctrl+q", "app.quit", "Quit")]

    def compose(self) -> ComposeResult:
        with Vertical(id="signin"):
            yield Static("Visit log review", id="signin-title")
            yield Static(
                self.app.context.config.school_name,  # type: ignore[attr-defined]
                id="signin-school",
                markup=False,
            )
            yield Input(placeholder="Username", id="username")
            yield Input(placeholder="PIN", password=True, id="pin")
            yield Button("Sign in", id="signin-button", variant="primary")
            # Messages name staff members and schools: shown as typed.
            yield Static("", id="signin-message", markup=False)

    def on_mount(self) -> None:
        self.query_one("#username", Input).focus()

    def reset(self, message: str = "") -> None:
        self.query_one("#pin", Input).value = ""
        self.query_one("#signin-message", Static).update(message)
        self.query_one("#username", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "username":
            self.query_one("#pin", Input).focus()
        else:
            self.submit()

    @on(Button.Pressed, "#signin-button")
    def submit(self) -> None:
        username = self.query_one("#username", Input).value.strip()
        pin = self.query_one("#pin", Input).value
        if not username or not pin:
            self.query_one("#signin-message", Static).update(
                "Type your username and PIN."
            )
            return
        self.query_one("#signin-message", Static).update("Checking…")
        self.check(username, pin)

    @work(thread=True, group="signin", exclusive=True, exit_on_error=False)
    def check(self, username: str, pin: str) -> None:
        from kiosk.commands._signin import lockout_policy, works_at

        context = self.app.context  # type: ignore[attr-defined]
        try:
            member = authenticate(
                context.store,
                context.source,
                context.clock.now(),
                username,
                pin,
                lockout_policy(context.config),
                zone=context.zone,
            )
        except StaffError as exc:
            self.post_message(SignInFailed(str(exc)))
            return
        except Exception:
            logger.exception("review sign-in of %r failed", username)
            self.post_message(SignInFailed("The store did not answer; try again."))
            return
        refusal = _refusal(member, context.school, works_at(member, context.school))
        if refusal:
            self.post_message(SignInFailed(refusal))
            return
        self.post_message(SignInSucceeded(member))

    def on_sign_in_failed(self, message: SignInFailed) -> None:
        self.reset(message.reason)

    def on_sign_in_succeeded(self, message: SignInSucceeded) -> None:
        self.query_one("#username", Input).value = ""
        self.reset()
        self.app.signed_in(message.member)  # type: ignore[attr-defined]


def _refusal(member: StaffMember, school: str, here: bool) -> str:
    if not member.sees_confidential:
        return (
            f"{member.display_name} has the {member.role} role. Only a principal "
            "can open the review; the desk console has the day's sign-ins."
        )
    if not here:
        return f"{member.display_name} works at {member.school}, not {school}."
    return ""
