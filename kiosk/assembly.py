"""Build the kiosk's parts from the settings: the one place that opens things."""

from __future__ import annotations

import io
import logging
import socket
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING

from PIL import Image

from drivers.printer import make_transport
from drivers.scanner.base import Reader, ReaderStatus, ScanHandler, StatusHandler
from kiosk.badges.photo import PhotoSource
from kiosk.clock import Clock, SystemClock
from kiosk.config import CameraSection, Config, PrinterSection
from kiosk.services.badging import (
    FALLBACK,
    PRIMARY,
    BadgePrinter,
    BadgeSettings,
    PrinterTarget,
)
from kiosk.services.checkin import CheckIn, ScanResult, Station
from kiosk.services.components import (
    HEARTBEAT,
    MISSED_HEARTBEATS,
    ComponentStatusRecorder,
)
from kiosk.services.signout import SignOutKey
from kiosk.store import Store
from kiosk.store.events import EventSource

if TYPE_CHECKING:
    from drivers.scanner.camera import CameraSettings, Still
    from kiosk.services.desk.console import Desk

logger = logging.getLogger(__name__)


def station_for(config: Config) -> Station:
    return Station(
        school=config.kiosk.school,
        kiosk_id=config.kiosk.kiosk_id or socket.gethostname(),
        zone=config.zone,
        renewal_notice_days=config.screening.renewal_notice_days,
        rescan_guard=timedelta(seconds=config.kiosk.rescan_guard_seconds),
        prefix=config.scanner.prefix,
        suffix=config.scanner.suffix,
    )


@dataclass
class Kiosk:
    """Everything a scan passes through, assembled from one Config."""

    config: Config
    clock: Clock
    store: Store
    station: Station
    checkin: CheckIn
    printer: BadgePrinter
    components: ComponentStatusRecorder
    reader: Reader | None = None
    """The serial or camera reader last built by open_reader."""
    photo_source: PhotoSource | None = None
    """Takes the still printed on the badge; None when no camera is set up."""

    def record_status(self, status: ReaderStatus) -> None:
        """Store a reader's state for the desk's status line (thread-safe)."""
        self.components.record(status.component, status.ok, status.detail)

    def record_heartbeat(self) -> bool:
        """Store that this kiosk is running, so the desk can tell when it
        stops; False when the store cannot be written."""
        return self.components.record(HEARTBEAT, True, "running")

    def open_reader(self, on_scan: ScanHandler) -> Reader | None:
        """Build the serial or camera reader ``[scanner] kind`` names, reporting
        to the component status table; None for a keyboard wedge, which the
        full-screen app reads itself."""
        self.reader = open_reader(self.config, on_scan, self.record_status)
        return self.reader

    def capture_photo(self, timeout: float = 2.0) -> Still | None:
        """Take one picture for a badge photo, as JPEG: from the running camera
        reader, or else by opening ``[camera] source`` once. None when the
        camera gives no picture."""
        from drivers.scanner.camera import CameraReader, capture_still

        if isinstance(self.reader, CameraReader) and self.reader.running:
            return self.reader.capture_still(timeout)
        return capture_still(
            self.config.camera.source, camera_settings(self.config.camera)
        )

    def scan(self, payload: bytes) -> ScanResult:
        """Process a scan and print the badge of a new sign-in (the CLI path)."""
        result = self.checkin.process(payload)
        if result.needs_badge and result.visit_id is not None:
            outcome = self.printer.print_visit(result.visit_id)
            result.badge_status = outcome.status
            result.badge = str(outcome.path) if outcome.path else None
        return result

    def close(self) -> None:
        self.store.close()


def open_store(config: Config, *, wait_for_store: bool = False) -> Store:
    """Open and migrate the store named by ``[store] url``.

    With ``wait_for_store`` a store that cannot be reached (a district
    PostgreSQL server during an outage) is not an error: the migration runs
    on first use instead, and reads and writes raise StoreError until then.
    A malformed URL or a data folder that cannot be created is always an error.
    """
    store = Store(config.store_url)
    if wait_for_store:
        store.migrate_or_wait()
    else:
        store.migrate()
    return store


def badge_settings(config: Config, section: PrinterSection) -> BadgeSettings:
    return BadgeSettings(
        school_name=config.school_name,
        paper_mm=section.paper_width,
        symbology=section.barcode,
        profile=section.profile,
        photo=section.photo,
    )


def printer_targets(config: Config) -> list[PrinterTarget]:
    """Return the kiosk's printer, then the fallback printer if there is one."""
    targets = [
        PrinterTarget(
            PRIMARY,
            make_transport(config.printer, config.badge_dir),
            badge_settings(config, config.printer),
        )
    ]
    fallback = config.printer_fallback
    if fallback.connection != "none":
        targets.append(
            PrinterTarget(
                FALLBACK,
                make_transport(fallback, config.fallback_badge_dir),
                badge_settings(config, fallback),
                location=fallback.location,
            )
        )
    return targets


def build_badge_printer(
    config: Config, store: Store, clock: Clock, source: EventSource
) -> BadgePrinter:
    """Build the badge printer (kiosk and desk share it) from the settings."""
    return BadgePrinter(
        store,
        printer_targets(config),
        SignOutKey.load_or_create(config.signout_key_path),
        clock,
        source,
        config.zone,
        photo_dir=config.photo_dir,
    )


def build_kiosk(
    config: Config, clock: Clock | None = None, *, wait_for_store: bool = False
) -> Kiosk:
    """Open the store (migrating it), load the signing key and pick the printer.

    ``wait_for_store`` lets the kiosk start while the store is unreachable
    (see open_store).
    """
    clock = clock or SystemClock()
    store = open_store(config, wait_for_store=wait_for_store)
    station = station_for(config)
    key = SignOutKey.load_or_create(config.signout_key_path)
    printer = build_badge_printer(config, store, clock, station.source)
    checkin = CheckIn(store, station, clock, key)
    components = ComponentStatusRecorder(store, station, clock)
    kiosk = Kiosk(config, clock, store, station, checkin, printer, components)
    # NOTE: only a camera that scans gives badge photos; a kiosk with a wedge
    # or serial scanner has no camera known to point at the visitor.
    if config.scanner.kind == "camera":
        kiosk.photo_source = CameraPhotos(kiosk)
    return kiosk


class CameraPhotos:
    """Badge photos taken with the kiosk's scanning camera."""

    def __init__(self, kiosk: Kiosk) -> None:
        self.kiosk = kiosk

    def capture(self) -> Image.Image | None:
        still = self.kiosk.capture_photo()
        if still is None:
            return None
        with Image.open(io.BytesIO(still.jpeg)) as image:
            image.load()
            return image.copy()


def camera_settings(camera: CameraSection) -> CameraSettings:
    from drivers.scanner.camera import CameraSettings

    return CameraSettings(
        width=camera.width,
        height=camera.height,
        fps=camera.fps,
        max_decode_fps=camera.max_decode_fps,
        idle_fps=camera.idle_fps,
        idle_after_seconds=camera.idle_after_seconds,
        gone_seconds=camera.gone_seconds,
        hold_off_seconds=camera.hold_off_seconds,
        frozen_seconds=camera.frozen_seconds,
        reconnect_seconds=camera.reconnect_seconds,
        decoder=camera.decoder,
    )


def open_reader(
    config: Config, on_scan: ScanHandler, on_status: StatusHandler | None = None
) -> Reader | None:
    """Build (not start) the reader ``[scanner] kind`` names; None for ``wedge``."""
    scanner = config.scanner
    if scanner.kind == "serial":
        from drivers.scanner.framing import SerialFramer
        from drivers.scanner.serial_reader import SerialReader

        framer = SerialFramer(
            scanner.terminator,
            stx_etx=scanner.stx_etx,
            idle_gap=scanner.idle_gap_ms / 1000,
            partial_timeout=scanner.partial_timeout_ms / 1000,
        )
        return SerialReader(
            scanner.port,
            scanner.baudrate,
            framer,
            on_scan,
            on_status,
            serial_format=scanner.serial_format,
            reconnect_interval=scanner.reconnect_seconds,
        )
    if scanner.kind == "camera":
        from drivers.scanner.camera import CameraReader

        return CameraReader(
            config.camera.source, on_scan, on_status, camera_settings(config.camera)
        )
    return None


def desk_id_for(config: Config) -> str:
    return config.desk.desk_id or f"desk-{socket.gethostname()}"


def build_desk(
    config: Config, clock: Clock | None = None, *, wait_for_store: bool = False
) -> Desk:
    """Open the store and the printer for the front desk console.

    The desk writes its events under its own id, and its look-up sign-ins go
    through the same check-in path as the kiosk's scans. ``wait_for_store``
    lets the desk start while the store is unreachable (see open_store).
    """
    from kiosk.services.desk.actions import Where
    from kiosk.services.desk.console import Desk, DeskSettings
    from kiosk.services.staff import LockoutPolicy

    clock = clock or SystemClock()
    store = open_store(config, wait_for_store=wait_for_store)
    station = replace(station_for(config), kiosk_id=desk_id_for(config))
    key = SignOutKey.load_or_create(config.signout_key_path)
    badges = build_badge_printer(config, store, clock, station.source)
    desk = config.desk
    settings = DeskSettings(
        school=config.kiosk.school,
        school_name=config.school_name,
        zone=config.zone,
        alert_timeout=timedelta(minutes=desk.alert_timeout_minutes),
        roster_max_age=timedelta(hours=desk.roster_max_age_hours),
        idle_lock=timedelta(minutes=desk.idle_lock_minutes),
        heartbeat_limit=MISSED_HEARTBEATS
        * timedelta(seconds=config.kiosk.heartbeat_seconds),
        poll_seconds=desk.poll_seconds,
        lockout=LockoutPolicy(
            max_attempts=desk.max_pin_attempts,
            lock_for=timedelta(minutes=desk.lockout_minutes),
        ),
    )
    return Desk(
        store,
        clock,
        Where(config.kiosk.school, station.source, config.zone),
        settings,
        CheckIn(store, station, clock, key),
        badges,
    )
