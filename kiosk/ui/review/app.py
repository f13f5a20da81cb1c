"""The review app: a principal signs in, then looks through the visit log.

Every store read and write runs in a thread worker and comes back as a
message, so a slow database never freezes the screen. The session locks
itself (back to the sign-in screen) after ``[desk] idle_lock_minutes``
without a key press.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from textual import events
from textual.app import App

from kiosk.clock import Clock
from kiosk.config import Config
from kiosk.services.integrity import Verification
from kiosk.services.staff import StaffMember
from kiosk.store.database import Store
from kiosk.store.events import EventSource

logger = logging.getLogger(__name__)

IDLE_CHECK_SECONDS = 5.0


@dataclass(frozen=True)
class ReviewContext:
    """Everything the review screens use, assembled outside the app."""

    config: Config
    store: Store
    clock: Clock
    source: EventSource

    @property
    def zone(self) -> ZoneInfo:
        return self.config.zone

    @property
    def school(self) -> str:
        return self.config.kiosk.school

    @property
    def export_dir(self) -> Path:
        return self.config.data_dir / "exports"

    def today(self) -> date:
        return self.clock.now().astimezone(self.zone).date()

    def local_now(self) -> datetime:
        return self.clock.now().astimezone(self.zone)


class ReviewApp(App[None]):
    """Full-screen review of the visit log for one school."""

    CSS_PATH = "review.tcss"
    TITLE = "partner-kiosk review"
    ENABLE_COMMAND_PALETTE = False

    def __init__(
        self, context: ReviewContext, *, start_day: date | None = None
    ) -> None:
        super().__init__()
        self.context = context
        self.start_day = start_day
        self.member: StaffMember | None = None
        self.verification: Verification | None = None
        """The last check of the whole event log; None until first run."""
        self.last_input = context.clock.now()
        self.sub_title = context.config.school_name

    def on_mount(self) -> None:
        from kiosk.ui.review.signin import SignInScreen

        self.push_screen(SignInScreen())
        self.set_interval(IDLE_CHECK_SECONDS, self.lock_when_idle)

    def on_key(self, event: events.Key) -> None:
        self.last_input = self.context.clock.now()

    def on_click(self, event: events.Click) -> None:
        self.last_input = self.context.clock.now()

    def signed_in(self, member: StaffMember) -> None:
        """Open the day view for a principal who just signed in."""
        from kiosk.ui.review.day import DayScreen

        self.member = member
        self.last_input = self.context.clock.now()
        logger.info("review opened by staff %d", member.id)
        self.push_screen(DayScreen(self.start_day or self.context.today()))

    def lock(self) -> None:
        """Close every screen but the sign-in, forgetting who was signed in."""
        from kiosk.ui.review.signin import SignInScreen

        if self.member is not None:
            logger.info("review locked for staff %d", self.member.id)
        self.member = None
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if not isinstance(self.screen, SignInScreen):
            self.pop_screen()
        if isinstance(self.screen, SignInScreen):
            self.screen.reset("Locked. Sign in again to go on.")

    def lock_when_idle(self) -> None:
        limit = timedelta(minutes=self.context.config.desk.idle_lock_minutes)
        if (
            self.member is not None
            and self.context.clock.now() - self.last_input >= limit
        ):
            self.lock()

    def action_lock(self) -> None:
        self.lock()
