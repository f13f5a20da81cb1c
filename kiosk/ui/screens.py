"""The screens a visitor sees: idle, welcome, see the office, goodbye."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Digits, Static

from kiosk.i18n import _, format_long_date, gettext_for
from kiosk.services.badging import PRINTED, PrintOutcome

WELCOME = "welcome"
SEE_OFFICE = "see_office"
GOODBYE = "goodbye"
RESCAN = "rescan"

BADGE_WAIT_SECONDS = 20.0
"""Longest a welcome screen stays past its time waiting for the badge outcome."""
BADGE_POLL_SECONDS = 0.5


class IdleScreen(Screen[None]):
    """School name, date, clock and what to do."""

    def compose(self) -> ComposeResult:
        # Names come from settings and the roster: shown as typed, never
        # parsed as Textual markup.
        with Vertical(id="idle"):
            yield Static(id="school", markup=False)
            yield Static(id="date", markup=False)
            with Center():
                yield Digits(id="clock")
            yield Static(id="prompt", markup=False)
            yield Static(id="language-hint", markup=False)
            yield Static(self.app.hint, id="hint", markup=False)  # type: ignore[attr-defined]

    def on_mount(self) -> None:
        self.refresh_text()
        self.set_interval(1.0, self.refresh_clock)

    def on_screen_resume(self) -> None:
        self.refresh_text()

    def refresh_text(self) -> None:
        app = self.app
        tr = gettext_for(app.language)  # type: ignore[attr-defined]
        self.query_one("#school", Static).update(
            tr(_("Welcome to {school}")).format(school=app.school_name)  # type: ignore[attr-defined]
        )
        self.query_one("#prompt", Static).update(
            tr(_("Scan your partner badge or driver's licence to sign in or out."))
        )
        self.query_one("#language-hint", Static).update(tr(_("Español: pulse L")))
        self.refresh_clock()

    def refresh_clock(self) -> None:
        app = self.app
        now = app.local_now()  # type: ignore[attr-defined]
        self.query_one("#date", Static).update(
            format_long_date(now.date(), app.language)
        )  # type: ignore[attr-defined]
        self.query_one("#clock", Digits).update(f"{now:%H:%M}")


class ResultScreen(Screen[None]):
    """One outcome shown for a few seconds, then back to idle."""

    def __init__(
        self,
        kind: str,
        first_name: str,
        language: str,
        seconds: float,
        visit_id: int | None = None,
        awaiting_badge: bool = False,
    ) -> None:
        super().__init__(classes=kind)
        self.kind = kind
        self.visit_id = visit_id
        self.awaiting_badge = awaiting_badge
        """True from a sign-in until its badge printed or failed."""
        self._waited = 0.0
        self._timer: Timer | None = None
        self.first_name = first_name
        self.language = language
        self.seconds = seconds

    def compose(self) -> ComposeResult:
        tr = gettext_for(self.language)
        if self.awaiting_badge:
            welcome = tr(_("You are signed in. Your badge is printing…"))
        else:
            # No badge is printing, because the person signed in moments ago.
            welcome = tr(_("You are signed in."))
        headline, body = {
            WELCOME: (tr(_("Welcome, {name}!")).format(name=self.first_name), welcome),
            GOODBYE: (
                tr(_("Goodbye, {name}!")).format(name=self.first_name),
                tr(_("You are signed out. Thank you for your work with our students.")),
            ),
            SEE_OFFICE: (
                tr(_("Please see the front office staff.")),
                tr(_("They will help you sign in.")),
            ),
            RESCAN: (
                tr(_("We could not read that.")),
                tr(_("Please scan again, or see the front office staff.")),
            ),
        }[self.kind]
        with Vertical(id="result"):
            yield Static(headline, id="headline", markup=False)
            yield Static(body, id="body", markup=False)

    def on_mount(self) -> None:
        self._timer = self.set_timer(self.seconds, self.close)

    def badge_at_desk(self) -> None:
        """Tell the visitor the badge did not print and waits at the desk."""
        tr = gettext_for(self.language)
        self._show_badge_news(
            tr(_("You are signed in. Please pick up your badge at the front desk."))
        )

    def badge_at(self, location: str) -> None:
        """Tell the visitor the badge printed on the printer at ``location``."""
        tr = gettext_for(self.language)
        self._show_badge_news(
            tr(
                _(
                    "You are signed in. Your badge printed at {location}: "
                    "please pick it up there."
                )
            ).format(location=location)
        )

    def badge_printed(self) -> None:
        """Tell the visitor to take the badge from the kiosk's printer."""
        tr = gettext_for(self.language)
        self._show_badge_news(
            tr(
                _(
                    "You are signed in. Please take your badge from the printer "
                    "and wear it where staff can see it."
                )
            )
        )

    def badge_done(self, outcome: PrintOutcome) -> None:
        """Show where the badge is, now that printing has finished."""
        self.awaiting_badge = False
        if outcome.status != PRINTED:
            self.badge_at_desk()
        elif outcome.at_fallback:
            self.badge_at(outcome.location)
        else:
            self.badge_printed()

    def _show_badge_news(self, text: str) -> None:
        self.query_one("#body", Static).update(text)
        # Give the visitor the full time to read where the badge is.
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(self.seconds, self.close)

    def on_screen_resume(self) -> None:
        # Back from the destination screen: the visitor reads this one now.
        if self._timer is not None:
            self._timer.stop()
            self._timer = self.set_timer(self.seconds, self.close)

    def close(self) -> None:
        if not self.is_current:
            return  # under the destination screen; resuming restarts the timer
        # While the badge is printing the visitor cannot yet be told where to
        # pick it up; stay up for the outcome, but not forever.
        if self.awaiting_badge and self._waited < BADGE_WAIT_SECONDS:
            self._waited += BADGE_POLL_SECONDS
            self._timer = self.set_timer(BADGE_POLL_SECONDS, self.close)
            return
        self.dismiss()
