"""The front desk app: sign-in, polling the store, and running desk actions.

Screens only react. Reading the store and every action run in worker threads
and come back as messages or ``call_from_thread`` callbacks, so a slow store
(PostgreSQL across the district network) or printer never freezes the screen.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from sqlalchemy.exc import InterfaceError, OperationalError
from textual import events, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from kiosk.services.badging import BadgeError
from kiosk.services.desk.actions import DeskError
from kiosk.services.desk.console import Desk
from kiosk.services.desk.emergency import EmergencyRoster
from kiosk.services.desk.views import DeskSnapshot, StatusItem
from kiosk.services.staff import StaffError, StaffMember
from kiosk.store.database import StoreError
from kiosk.ui.desk.emergency import EmergencyScreen
from kiosk.ui.desk.lock import LockScreen
from kiosk.ui.desk.main import DeskScreen
from kiosk.ui.desk.messages import (
    AlertCountReady,
    SignedIn,
    SignInFailed,
    SnapshotReady,
    StoreFailed,
)
from kiosk.ui.desk.staff_actions import StaffActions
from kiosk.ui.desk.widgets import StatusLine

logger = logging.getLogger(__name__)

T = TypeVar("T")

FULL_READ_SECONDS = 5.0
"""A full read at least this often, even with no new events: the status line
and the roster's age change without events."""

STORE_DOWN = (
    "The store cannot be reached, so nothing was recorded. Try again, or use "
    "paper sign-in."
)
"""Message shown to the clerk when a desk action fails because the store is
unreachable."""

ACTION_FAILED = (
    "The action failed because of an internal error (details are in the log). "
    "Try again, or use paper sign-in."
)

SIGN_IN_STORE_DOWN = (
    "The store cannot be reached, so the PIN cannot be checked. Try again "
    "shortly. F9 still shows the emergency roster."
)
SIGN_IN_FAILED = "Sign-in failed. Try again; F9 still shows the emergency roster."

BELL_REPEAT_SECONDS = 30.0
"""The bell rings again this often while an alert stays open."""


class DeskApp(StaffActions, App[None]):
    """The front desk console for one school."""

    CSS_PATH = "desk.tcss"
    TITLE = "partner-kiosk desk"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f9", "emergency", "EMERGENCY ROSTER", priority=True),
    ]

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        self.zone = desk.where.zone
        self.staff: StaffMember | None = None
        self.snapshot: DeskSnapshot | None = None
        self.last_activity = desk.clock.now()
        self._polling = False
        self._last_full_read = 0.0
        self._last_bell = 0.0
        self._known_alerts: set[int] = set()
        self._locked_alert_count = 0
        self._store_down = False
        self.bells = 0
        """Times the bell rang (tests read it; a headless app makes no sound)."""
        self.actions_done = 0
        """Desk actions finished, failed or not (tests wait on it)."""
        self.emergency_requested_at = 0.0
        """``time.perf_counter()`` when F9 was last pressed (bench/desk.py)."""
        self._threads = 0
        self._threads_lock = threading.Lock()
        self._closing = False

    # Worker threads

    def _enter_thread(self) -> bool:
        """Count a worker thread in; False once the app is closing."""
        with self._threads_lock:
            if self._closing:
                return False
            self._threads += 1
            return True

    def _leave_thread(self) -> None:
        with self._threads_lock:
            self._threads -= 1

    def wait_for_threads(self, timeout: float) -> bool:
        """Stop new worker threads and wait for running ones (a print, a
        write) to finish, so the store can be closed; False on timeout."""
        with self._threads_lock:
            self._closing = True
        deadline = time.monotonic() + timeout
        while self._threads and time.monotonic() < deadline:
            time.sleep(0.02)
        return self._threads == 0

    # Start-up, activity and locking

    def on_mount(self) -> None:
        self.push_screen(LockScreen(self.desk.settings.school_name))
        self.set_interval(self.desk.settings.poll_seconds, self._tick)
        self.call_after_refresh(self._tick)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown) and not event.is_forwarded:
            self.last_activity = self.desk.clock.now()
        await super().on_event(event)

    def _tick(self) -> None:
        now = self.desk.clock.now()
        idle = now - self.last_activity >= self.desk.settings.idle_lock
        # An emergency roster on screen stays up: the idle lock waits.
        if (
            idle
            and self.staff is not None
            and not isinstance(self.screen, EmergencyScreen)
        ):
            self.lock("idle")
        self._ring_reminder()
        if not self._polling:
            self._polling = True
            self._poll(self.staff, self._full_read_due())

    def _full_read_due(self) -> bool:
        clock = time.monotonic()
        if clock - self._last_full_read >= FULL_READ_SECONDS:
            self._last_full_read = clock
            return True
        return False

    def lock(self, reason: str) -> None:
        """End the staff session: ``idle`` (it locked itself) or ``signed_out``."""
        staff = self.staff
        if staff is None:
            return
        self.staff = None
        self.snapshot = None
        self._known_alerts = set()
        while not isinstance(self.screen, LockScreen):
            self.pop_screen()
        message = (
            "Locked after a time without use. Sign in again."
            if reason == "idle"
            else "Signed out."
        )
        assert isinstance(self.screen, LockScreen)
        self.screen.reset(message)
        self._log_session_end(staff, reason)
        logger.info("desk session of staff %d ended (%s)", staff.id, reason)

    @work(thread=True, group="session", exit_on_error=False)
    def _log_session_end(self, staff: StaffMember, reason: str) -> None:
        if not self._enter_thread():
            return
        try:
            self.desk.end_session(staff, reason)
        except (StoreError, OperationalError, InterfaceError) as exc:
            logger.error(
                "logging the end of staff %d's session failed: store unreachable (%s)",
                staff.id,
                type(exc.__cause__ or exc).__name__,
            )
        finally:
            self._leave_thread()

    # Signing in

    @work(thread=True, group="sign-in", exclusive=True, exit_on_error=False)
    def try_sign_in(self, username: str, pin: str) -> None:
        if not self._enter_thread():
            return
        try:
            member = self.desk.sign_in(username, pin)
        except StaffError as exc:
            self.post_message(SignInFailed(exc.reason, str(exc)))
            return
        except StoreError as exc:
            # The username may be a person's name: the log gets the error only.
            logger.error(
                "desk sign-in failed: store unreachable (%s)",
                type(exc.__cause__ or exc).__name__,
            )
            self.post_message(SignInFailed("store", SIGN_IN_STORE_DOWN))
            return
        except Exception:
            # Without a reply the lock screen would show "Checking…" forever.
            logger.exception("desk sign-in failed")
            self.post_message(SignInFailed("internal_error", SIGN_IN_FAILED))
            return
        finally:
            self._leave_thread()
        self.post_message(SignedIn(member))

    def on_signed_in(self, message: SignedIn) -> None:
        self.staff = message.staff
        self.last_activity = self.desk.clock.now()
        lock = self.screen
        if isinstance(lock, LockScreen):
            lock.reset()
        logger.info("staff %d signed in at the desk", message.staff.id)
        self.push_screen(
            DeskScreen(message.staff, self.desk.settings.school_name, self.zone)
        )
        self._last_full_read = 0.0

    def on_sign_in_failed(self, message: SignInFailed) -> None:
        if isinstance(self.screen, LockScreen):
            self.screen.show_message(message.message, error=True)

    # Polling

    @work(thread=True, group="poll", exit_on_error=False)
    def _poll(self, staff: StaffMember | None, full: bool) -> None:
        if not self._enter_thread():
            self._polling = False
            return
        try:
            if staff is None:
                self.post_message(AlertCountReady(self.desk.open_alert_count()))
                return
            known = (
                None if full or self.snapshot is None else self.snapshot.last_event_id
            )
            self.post_message(SnapshotReady(staff, self.desk.poll(staff, known)))
        except StoreError as exc:
            self.post_message(StoreFailed(str(exc)))
        finally:
            self._polling = False
            self._leave_thread()

    def _store_back(self) -> None:
        if self._store_down:
            logger.info("desk reads the store again")
        self._store_down = False

    def on_snapshot_ready(self, message: SnapshotReady) -> None:
        self._store_back()
        if message.snapshot is None or message.staff != self.staff:
            return
        self.snapshot = message.snapshot
        current = {alert.visit_id for alert in message.snapshot.alerts}
        if current - self._known_alerts:
            self.ring()
        self._known_alerts = current
        for screen in self.screen_stack:
            if isinstance(screen, DeskScreen):
                screen.show(message.snapshot)

    def on_alert_count_ready(self, message: AlertCountReady) -> None:
        self._store_back()
        if message.count > self._locked_alert_count:
            self.ring()
        self._locked_alert_count = message.count
        for screen in self.screen_stack:
            if isinstance(screen, LockScreen):
                screen.show_alert_count(message.count)

    def on_store_failed(self, message: StoreFailed) -> None:
        # Polls fail every tick while the store is down: log the change only.
        if not self._store_down:
            logger.warning("desk cannot read the store: %s", message.error)
        self._store_down = True
        items = list(self.snapshot.status) if self.snapshot else []
        items = [item for item in items if item.name != "store"]
        items.append(StatusItem("store", False, "unreachable"))
        # The stack, not self.screen: a dialog may be on top of the desk
        # screen, and while the app shuts down the stack can be empty.
        for screen in self.screen_stack:
            for status in screen.query(StatusLine):
                status.show(items)

    def ring(self) -> None:
        self.bells += 1
        self._last_bell = time.monotonic()
        self.bell()

    def _ring_reminder(self) -> None:
        open_alerts = (
            len(self.snapshot.alerts)
            if self.staff is not None and self.snapshot is not None
            else self._locked_alert_count
        )
        if open_alerts and time.monotonic() - self._last_bell >= BELL_REPEAT_SECONDS:
            self.ring()

    # Running actions

    def _run(
        self,
        work_fn: Callable[[], T],
        done: Callable[[T], None] | None = None,
        failed: Callable[[str], None] | None = None,
    ) -> None:
        """Run ``work_fn`` in a thread; call ``done`` or ``failed`` on the UI thread."""

        def runner() -> None:
            if not self._enter_thread():
                return
            try:
                result = work_fn()
            except (StoreError, OperationalError, InterfaceError) as exc:
                logger.error(
                    "desk action failed: store unreachable (%s)",
                    type(exc.__cause__ or exc).__name__,
                )
                self.call_from_thread(self._action_failed, STORE_DOWN, failed)
                return
            except (DeskError, BadgeError, StaffError) as exc:
                self.call_from_thread(self._action_failed, str(exc), failed)
                return
            except Exception as exc:  # a screen must never show a traceback
                logger.exception("desk action failed (%s)", type(exc).__name__)
                self.call_from_thread(self._action_failed, ACTION_FAILED, failed)
                return
            finally:
                self._leave_thread()
            self.call_from_thread(self._action_done, result, done)

        self.run_worker(runner, thread=True, group="action", exit_on_error=False)

    def _action_done(self, result: Any, done: Callable[[Any], None] | None) -> None:
        if done is not None:
            done(result)
        self._finish_action()

    def _action_failed(
        self, message: str, failed: Callable[[str], None] | None
    ) -> None:
        if failed is not None:
            failed(message)
        else:
            self.notify(message, severity="error", markup=False)
        self._finish_action()

    def _while_open(
        self, screen: Screen[Any], update: Callable[[T], None]
    ) -> Callable[[T], None]:
        """Wrap ``update`` so it runs only while ``screen`` is still shown: the
        session may have locked, or the dialog closed, before a thread ends."""

        def guarded(value: T) -> None:
            if screen in self.screen_stack:
                update(value)
            else:
                logger.debug("dropped a result for a closed %s", type(screen).__name__)

        return guarded

    def _finish_action(self) -> None:
        self.actions_done += 1
        self._last_full_read = 0.0  # show the change at the next tick

    # Emergency roster

    def action_emergency(self) -> None:
        """Show everyone in the building full screen and print the list.

        Works from the lock screen too: an evacuation must not wait for a PIN.
        The event log then records no staff id.
        """
        if isinstance(self.screen, EmergencyScreen):
            self.print_emergency_roster(self.screen)
            return
        self.emergency_requested_at = time.perf_counter()
        logger.warning(
            "emergency roster requested (staff %s)", self.staff and self.staff.id
        )
        self._run(self.desk.present_now, self._show_emergency)

    def _show_emergency(self, roster: EmergencyRoster) -> None:
        screen = EmergencyScreen(roster, self.zone)
        self.push_screen(screen)
        self.print_emergency_roster(screen)

    def print_emergency_roster(self, screen: EmergencyScreen) -> None:
        staff = self.staff
        self._run(
            lambda: self.desk.print_emergency_roster(staff, screen.roster),
            self._while_open(screen, screen.printed),
        )
