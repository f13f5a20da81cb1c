"""The full-screen kiosk app: turns reader input into screens.

The app only reacts. Storing a scan and printing a badge run in worker
threads and report back with messages, so a slow store or printer never
freezes the screen.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError
from textual import events, work
from textual.app import App

from drivers.scanner.base import WEDGE, Reader, ReaderStatus, Scan
from drivers.scanner.wedge import Burst, WedgeCollector
from kiosk.assembly import Kiosk
from kiosk.i18n import next_language
from kiosk.services.badging import PrintOutcome
from kiosk.services.checkin import DENIED, SIGNED_IN, SIGNED_OUT, UNREADABLE
from kiosk.services.destinations import set_destination
from kiosk.services.reprints import queue_unfinished_badges
from kiosk.store.database import StoreError, describe_error
from kiosk.ui.destination import DestinationScreen
from kiosk.ui.messages import BadgePrinted, ScanDecided, ScanFailed, ScanReceived
from kiosk.ui.screens import (
    GOODBYE,
    RESCAN,
    SEE_OFFICE,
    WELCOME,
    IdleScreen,
    ResultScreen,
)
from kiosk.ui.wedge_keys import key_character

logger = logging.getLogger(__name__)

WEDGE_POLL_SECONDS = 0.02
CLOSE_DAY_SECONDS = 300.0
"""How often the kiosk marks visits still open after closing time, so the
day's log is right even where the daily job is not installed."""
ALERT_CHECK_SECONDS = 30.0
"""How often the kiosk times out its school's unacknowledged desk alerts, so
they reach the principal even when no desk is open."""
LANGUAGE_KEYS = ("l", "L")


def log_failure(exc: Exception, action: str, *args: object) -> None:
    """Log that ``action`` failed: a store error in one line (the store being
    unreachable is expected during an outage), anything else with its traceback.

    Call it from the ``except`` block that caught ``exc``.
    """
    description = action % args if args else action
    if isinstance(exc, StoreError | SQLAlchemyError):
        logger.error(
            "%s failed: store unreachable (%s: %s)",
            description,
            type(exc).__name__,
            describe_error(exc),
        )
    else:
        logger.exception("%s failed", description)


class KioskApp(App[None]):
    """The kiosk screen for one school."""

    CSS_PATH = "kiosk.tcss"
    TITLE = "partner-kiosk"
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, kiosk: Kiosk, *, hint: str = "") -> None:
        super().__init__()
        self.kiosk = kiosk
        self.hint = hint
        """Extra line on the idle screen (the demo lists its badge codes)."""
        self.language = kiosk.config.kiosk.language
        self.school_name = kiosk.config.school_name
        scanner = kiosk.config.scanner
        self.wedge = WedgeCollector(
            gap=scanner.wedge_gap_ms / 1000,
            min_length=scanner.wedge_min_length,
            prefix=scanner.prefix,
            suffix=scanner.suffix,
        )
        self._last_key_handled = 0.0
        """Monotonic time the app last handled a key event."""
        self.reader: Reader | None = None
        """The serial or camera reader; None for a keyboard wedge."""
        self.scans_handled = 0
        """Count of scans whose outcome reached the screen (tests wait on it)."""
        self.badges_handled = 0
        """Count of print outcomes that reached the app (tests wait on it)."""
        self.start_up_done = False
        """True once the badges left unprinted by an earlier run are queued."""
        self.store_reachable: bool | None = None
        """Whether the last scan or heartbeat reached the store; None before
        the first one. While False every scan goes to the front office."""

    def _handle_exception(self, error: Exception) -> None:
        # Textual stops the app on an error no handler caught and prints its
        # traceback, with local variables, when the app exits. The kiosk
        # screen is public: the traceback goes to the log only, and
        # `kiosk run` starts the screen again.
        logger.critical("kiosk screen stopped by an unexpected error", exc_info=error)
        super()._handle_exception(error)
        self._exit_renderables.clear()

    async def action_quit(self) -> None:
        if self.kiosk.config.kiosk.allow_quit:
            await super().action_quit()
        else:
            logger.info("quit key ignored ([kiosk] allow_quit is off)")

    def action_help_quit(self) -> None:
        # Textual shows "press Ctrl+Q to quit" on Ctrl+C; visitors need no hint.
        if self.kiosk.config.kiosk.allow_quit:
            super().action_help_quit()

    def local_now(self) -> datetime:
        return self.kiosk.clock.now().astimezone(self.kiosk.station.zone)

    def on_mount(self) -> None:
        self.queue_unfinished_badges(self.kiosk.clock.now())
        self.push_screen(IdleScreen())
        self.set_interval(WEDGE_POLL_SECONDS, self._poll_wedge)
        check_seconds = self.kiosk.config.printer.check_seconds
        if check_seconds:
            self.check_printer()
            self.set_interval(check_seconds, self.check_printer)
        self.start_reader()
        self.set_interval(CLOSE_DAY_SECONDS, self.close_day)
        self.record_heartbeat()
        self.set_interval(
            self.kiosk.config.kiosk.heartbeat_seconds, self.record_heartbeat
        )
        self.set_interval(ALERT_CHECK_SECONDS, self.expire_alerts)

    def on_unmount(self) -> None:
        self.stop_reader()

    # Serial and camera readers

    def start_reader(self) -> None:
        """Start the reader ``[scanner] kind`` names; it posts ScanReceived."""
        self.reader = self.kiosk.open_reader(self._reader_scan)
        if self.reader is None:
            self.kiosk.record_status(
                ReaderStatus("scanner", True, "keyboard wedge (not monitored)")
            )
            return
        self.reader.start()

    def stop_reader(self) -> None:
        reader, self.reader = self.reader, None
        if reader is None:
            return
        reader.stop()
        self.kiosk.record_status(ReaderStatus(reader.component, False, "kiosk stopped"))

    def _reader_scan(self, scan: Scan) -> None:
        # Runs on the reader's thread; post_message is thread-safe.
        self.post_message(
            ScanReceived(scan.payload, scan.source, scan.symbology, scan.repeat)
        )

    # Keyboard wedge

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        char = key_character(event)
        if char is None:
            return
        self._last_key_handled = time.monotonic()
        self._take_burst(self.wedge.feed(char, event.time))

    def _poll_wedge(self) -> None:
        now = time.monotonic()
        # When the app falls behind, keys of one burst wait in the message
        # queue while this timer runs; a quiet gap only counts once the app
        # has also handled no key for that long.
        if now - self._last_key_handled <= self.wedge.gap:
            return
        self._take_burst(self.wedge.poll(now))

    def _take_burst(self, burst: Burst | None) -> None:
        if burst is None:
            return
        if burst.is_scan:
            self.post_message(ScanReceived(burst.text.encode("utf-8"), WEDGE))
        elif (
            isinstance(self.screen, DestinationScreen) and burst.text.strip().isdigit()
        ):
            self.screen.choose_number(int(burst.text.strip()))
        elif burst.text.strip() in LANGUAGE_KEYS:
            self.switch_language()

    def switch_language(self) -> None:
        self.language = next_language(self.language)
        if isinstance(self.screen, IdleScreen):
            self.screen.refresh_text()

    # Scans

    def on_scan_received(self, message: ScanReceived) -> None:
        self.process_scan(message.payload, message.repeat)

    @work(thread=True, group="scan", exit_on_error=False)
    def process_scan(self, payload: bytes, repeat: bool = False) -> None:
        try:
            result = self.kiosk.checkin.process(payload, repeat=repeat)
        except (StoreError, SQLAlchemyError) as exc:
            # The visitor sees only the neutral "see the front office" screen.
            logger.error(
                "scan sent to the front office: store unreachable (%s: %s)",
                type(exc).__name__,
                describe_error(exc),
            )
            self.note_store(False)
            self.post_message(ScanFailed("store_unreachable"))
            return
        except Exception as exc:
            logger.exception("processing a scan failed")
            self.post_message(ScanFailed(type(exc).__name__))
            return
        self.note_store(True)
        self.post_message(ScanDecided(result))

    def note_store(self, reachable: bool) -> None:
        """Record whether the store answered, logging only the changes."""
        if reachable == self.store_reachable:
            return
        if reachable:
            logger.info("kiosk reaches the store")
        else:
            logger.warning("kiosk cannot reach the store: scans go to the office")
        self.store_reachable = reachable

    async def on_scan_decided(self, message: ScanDecided) -> None:
        result = message.result
        kind = {
            SIGNED_IN: WELCOME,
            SIGNED_OUT: GOODBYE,
            DENIED: SEE_OFFICE,
            UNREADABLE: RESCAN,
        }[result.outcome]
        needs_badge = result.needs_badge and result.visit_id is not None
        language = self.language
        await self.show_result(kind, result.first_name, result.visit_id, needs_badge)
        if needs_badge:
            assert result.visit_id is not None
            self.ask_destination_then_print(result.visit_id, language)
        self.scans_handled += 1

    async def on_scan_failed(self, message: ScanFailed) -> None:
        await self.show_result(SEE_OFFICE, "")
        self.scans_handled += 1

    # Badges

    def ask_destination_then_print(self, visit_id: int, language: str) -> None:
        """Print the badge, first asking where the visitor is going when the
        school lists destinations."""
        places = self.kiosk.config.kiosk.destinations
        if not places:
            self.print_badge(visit_id)
            return
        self.push_screen(
            DestinationScreen(
                places,
                language,
                self.kiosk.config.kiosk.destination_seconds,
                lambda place: self.print_badge(visit_id, place),
            )
        )

    @work(thread=True, group="print", exit_on_error=False)
    def print_badge(self, visit_id: int, destination: str | None = None) -> None:
        """Take the photo (when a camera is set up) and print the badge; a
        printer fault comes back as a queued outcome, never as an exception."""
        if destination is not None:
            try:
                set_destination(
                    self.kiosk.store,
                    visit_id,
                    destination,
                    self.kiosk.station.source,
                    self.kiosk.clock.now(),
                )
            except Exception as exc:
                log_failure(exc, "storing the destination of visit %d", visit_id)
        photo = None
        source = self.kiosk.photo_source
        if source is not None and self.kiosk.printer.primary.settings.photo:
            try:
                photo = source.capture()
            except Exception:
                logger.exception("taking the badge photo of visit %d failed", visit_id)
        try:
            outcome = self.kiosk.printer.print_visit(visit_id, photo=photo)
        except Exception as exc:
            # The visit stays 'pending', which the desk's reprint queue lists.
            log_failure(exc, "printing the badge of visit %d", visit_id)
            outcome = PrintOutcome("queued", error="internal_error")
        self.post_message(BadgePrinted(visit_id, outcome))

    def on_badge_printed(self, message: BadgePrinted) -> None:
        self.badges_handled += 1
        screen = self.screen
        if isinstance(screen, ResultScreen) and screen.visit_id == message.visit_id:
            screen.badge_done(message.outcome)

    @work(thread=True, group="start-up", exit_on_error=False)
    def queue_unfinished_badges(self, started_at: datetime) -> None:
        """Send the badges an earlier run left unprinted to the desk's queue."""
        kiosk = self.kiosk
        try:
            queue_unfinished_badges(
                kiosk.store, kiosk.station.source, started_at, kiosk.clock.now()
            )
        except Exception as exc:
            log_failure(exc, "queueing the badges of the last run")
        self.start_up_done = True

    @work(thread=True, group="close-day", exclusive=True, exit_on_error=False)
    def close_day(self) -> None:
        """Mark this school's visits still open after closing time."""
        from kiosk.services.closing import close_open_visits

        kiosk = self.kiosk
        try:
            close_open_visits(
                kiosk.store,
                kiosk.station.source,
                kiosk.clock.now(),
                kiosk.station.zone,
                kiosk.config.closing_time,
            )
        except Exception as exc:
            log_failure(exc, "marking visits open after closing time")

    @work(thread=True, group="heartbeat", exclusive=True, exit_on_error=False)
    def record_heartbeat(self) -> None:
        """Record a heartbeat for the desk; the recorder logs a store error.

        During an outage this is also what retries the store (and a postponed
        migration) while nobody scans.
        """
        self.note_store(self.kiosk.record_heartbeat())

    @work(thread=True, group="alert-timeout", exclusive=True, exit_on_error=False)
    def expire_alerts(self) -> None:
        """Mark this school's desk alerts open past the time-out as timed out."""
        from kiosk.services.alerts import expire_stale_alerts

        kiosk = self.kiosk
        timeout = timedelta(minutes=kiosk.config.desk.alert_timeout_minutes)
        try:
            expire_stale_alerts(
                kiosk.store, kiosk.station.source, kiosk.clock.now(), timeout
            )
        except Exception as exc:
            log_failure(exc, "timing out unacknowledged desk alerts")

    @work(thread=True, group="printer-check", exclusive=True, exit_on_error=False)
    def check_printer(self) -> None:
        """Record the printers' state for the desk while nobody is printing."""
        try:
            self.kiosk.printer.check_printers()
        except Exception as exc:
            log_failure(exc, "checking the badge printers")

    async def show_result(
        self,
        kind: str,
        first_name: str,
        visit_id: int | None = None,
        awaiting_badge: bool = False,
    ) -> None:
        while isinstance(self.screen, ResultScreen | DestinationScreen):
            screen = self.screen
            if isinstance(screen, DestinationScreen):
                # The visitor left without choosing: print without a place.
                screen.give_up()
            if self.screen is screen:
                await self.pop_screen()
        seconds = self.kiosk.config.kiosk.result_seconds
        await self.push_screen(
            ResultScreen(
                kind, first_name, self.language, seconds, visit_id, awaiting_badge
            )
        )
        # The next visitor starts in the kiosk's own language again.
        self.language = self.kiosk.config.kiosk.language
