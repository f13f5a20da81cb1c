"""Build the kiosk's parts from the settings: the one place that opens things."""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from drivers.printer import make_transport
from drivers.scanner.base import Reader, ReaderStatus, ScanHandler, StatusHandler
from kiosk.clock import Clock, SystemClock
from kiosk.config import CameraSection, Config
from kiosk.services.badging import BadgePrinter, BadgeSettings
from kiosk.services.checkin import CheckIn, ScanResult, Station
from kiosk.services.components import ComponentStatusRecorder
from kiosk.services.signout import SignOutKey
from kiosk.store import Store

if TYPE_CHECKING:
    from drivers.scanner.camera import CameraSettings, Still

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

    def record_status(self, status: ReaderStatus) -> None:
        """Store a reader's state for the desk's status line (thread-safe)."""
        self.components.record(status.component, status.ok, status.detail)

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


def open_store(config: Config) -> Store:
    store = Store(config.store_url)
    store.migrate()
    return store


def build_kiosk(config: Config, clock: Clock | None = None) -> Kiosk:
    """Open the store (migrating it), load the signing key and pick the printer."""
    clock = clock or SystemClock()
    store = open_store(config)
    station = station_for(config)
    key = SignOutKey.load_or_create(config.data_dir)
    transport = make_transport(config.printer, config.badge_dir)
    printer = BadgePrinter(
        store,
        transport,
        BadgeSettings(
            school_name=config.school_name,
            paper_mm=config.printer.paper_width,
            symbology=config.printer.barcode,
            profile=config.printer.profile,
        ),
        key,
        clock,
        station.source,
        config.zone,
    )
    checkin = CheckIn(store, station, clock, key)
    components = ComponentStatusRecorder(store, station, clock)
    return Kiosk(config, clock, store, station, checkin, printer, components)


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
