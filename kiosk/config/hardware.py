"""The settings sections of the hardware: printers, scanners and the camera."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kiosk.config.checks import (
    _check,
    _choice,
    _known_profile,
)


@dataclass(frozen=True)
class PrinterSection:
    connection: str = field(
        default="file", metadata=_choice("file", "network", "usb", "serial", "none")
    )
    """How badges reach the printer."""

    path: str = ""
    """For ``file``: folder receiving one ESC/POS file and one PNG preview per
    badge (empty means ``badges/`` in the data directory), or a device file
    such as ``/dev/usb/lp0``."""

    host: str = ""
    """For ``network``: the printer's host name or address."""

    port: int = field(
        default=9100, metadata=_check(lambda v: 1 <= v <= 65535, "1 to 65535")
    )
    """For ``network``: TCP port (raw printing is 9100)."""

    timeout: float = field(
        default=3.0, metadata=_check(lambda v: 0.1 <= v <= 60, "0.1 to 60 seconds")
    )
    """Seconds to wait for the printer to connect or accept data."""

    profile: str = field(
        default="default",
        metadata=_check(
            _known_profile,
            "a python-escpos printer profile such as 'default', 'simple', "
            "'TM-T88V' or 'TM-T20II' (`kiosk badge profiles` lists them all)",
        ),
    )
    """python-escpos printer profile, for example ``TM-T88V``. It tells which
    code pages the printer has and whether it draws QR codes and Code128
    itself; ``simple`` suits a printer that only prints text and pictures."""

    paper_width: int = field(default=80, metadata={"choices": (80, 58)})
    """Paper width in millimetres: 80 (576 dots) or 58 (384 dots)."""

    barcode: str = field(default="qr", metadata=_choice("qr", "code128"))
    """Symbology of the sign-out code on the badge."""

    photo: bool = True
    """Print the visitor's photo on the badge when the kiosk camera took one."""

    status_check: bool = True
    """Ask the printer for its status (``DLE EOT``) before and after each
    badge and in the printer checks, over network, serial, USB and
    character-device connections. A printer that does not answer within
    ``status_timeout`` counts as not responding, so turn this off for a
    printer that never answers."""

    status_timeout: float = field(
        default=1.0, metadata=_check(lambda v: 0.05 <= v <= 10, "0.05 to 10 seconds")
    )
    """Seconds to wait for the answer to a status request."""

    check_seconds: float = field(
        default=60.0,
        metadata=_check(lambda v: v == 0 or 5 <= v <= 3600, "0, or 5 to 3600 seconds"),
    )
    """How often the kiosk asks an idle printer for its status, so the desk
    sees paper out before the next visitor does; 0 turns this off."""

    usb_vendor: int = field(
        default=0, metadata=_check(lambda v: 0 <= v <= 0xFFFF, "0 to 0xffff")
    )
    """For ``usb``: vendor id (write it as hex, ``0x04b8``)."""

    usb_product: int = field(
        default=0, metadata=_check(lambda v: 0 <= v <= 0xFFFF, "0 to 0xffff")
    )
    """For ``usb``: product id."""

    serial_device: str = "/dev/ttyUSB0"
    """For ``serial``: the printer's serial device."""

    serial_baudrate: int = field(
        default=9600,
        metadata=_check(lambda v: 300 <= v <= 4_000_000, "300 to 4000000"),
    )
    """For ``serial``: baud rate."""


@dataclass(frozen=True)
class FallbackPrinterSection(PrinterSection):
    """A second printer that takes the badges while the first one is down."""

    connection: str = field(
        default="none", metadata=_choice("file", "network", "usb", "serial", "none")
    )
    """How badges reach the fallback printer; ``none`` means there is none."""

    location: str = "the front desk"
    """Where the fallback printer stands, as the kiosk tells the visitor:
    "Please pick up your badge at {location}"."""


@dataclass(frozen=True)
class ScannerSection:
    kind: str = field(default="wedge", metadata=_choice("wedge", "serial", "camera"))
    """Which reader delivers scans."""

    port: str = "/dev/ttyACM0"
    """For ``serial``: the scanner's device, or a udev symlink such as
    ``/dev/barcode``."""

    baudrate: int = field(
        default=9600,
        metadata=_check(lambda v: 300 <= v <= 4_000_000, "300 to 4000000"),
    )
    """For ``serial``: baud rate."""

    wedge_gap_ms: float = field(
        default=60.0, metadata=_check(lambda v: 5 <= v <= 1000, "5 to 1000 ms")
    )
    """Keyboard wedge: a pause between keys longer than this ends a scan."""

    wedge_min_length: int = field(
        default=4, metadata=_check(lambda v: 1 <= v <= 64, "1 to 64")
    )
    """Keyboard wedge: shorter bursts are keys typed by a person, not a scan."""

    prefix: str = ""
    """Characters the scanner is set to send before each code; removed. With a
    keyboard wedge, a burst without them is typing, not a scan."""

    suffix: str = ""
    """Characters the scanner is set to send after each code; removed. With a
    keyboard wedge, a burst without them is typing, not a scan."""

    terminator: str = field(default="cr", metadata=_choice("cr", "lf", "crlf", "none"))
    """For ``serial``: what ends each code. ``none`` means the code ends when the
    line goes quiet for ``idle_gap_ms``. A licence's CR and LF inside its data
    do not end it (its header gives its length)."""

    stx_etx: bool = False
    """For ``serial``: the scanner wraps each code in STX (0x02) and ETX (0x03);
    only the bytes between them are the code."""

    serial_format: str = field(
        default="8N1",
        metadata=_check(
            lambda v: re.fullmatch(r"[5-8][NEOMSneoms][12]", v) is not None,
            "data bits 5-8, parity N, E, O, M or S, stop bits 1 or 2 (8N1, 7E1)",
        ),
    )
    """For ``serial``: data bits, parity and stop bits."""

    idle_gap_ms: float = field(
        default=80.0, metadata=_check(lambda v: 5 <= v <= 2000, "5 to 2000 ms")
    )
    """For ``serial``: quiet on the line that ends a code when ``terminator`` is
    ``none``, or a licence whose header length does not match its data."""

    partial_timeout_ms: float = field(
        default=1000.0, metadata=_check(lambda v: 50 <= v <= 10000, "50 to 10000 ms")
    )
    """For ``serial``: part of a code whose end has not come this long after the
    last byte is dropped (a scanner unplugged mid-code, or a wrong terminator)."""

    reconnect_seconds: float = field(
        default=1.0, metadata=_check(lambda v: 0.1 <= v <= 60, "0.1 to 60 seconds")
    )
    """For ``serial``: how often to try the port again while the scanner is
    unplugged."""


@dataclass(frozen=True)
class CameraSection:
    source: str = "0"
    """Device index (``0``), device path, video or image-sequence path, or URL."""

    width: int = field(
        default=1280, metadata=_check(lambda v: 320 <= v <= 4096, "320 to 4096")
    )
    """Capture width in pixels. A licence's PDF417 needs about 2 pixels a
    module: 1280x720 with the card filling most of the width."""

    height: int = field(
        default=720, metadata=_check(lambda v: 240 <= v <= 2160, "240 to 2160")
    )
    """Capture height in pixels."""

    fps: float = field(default=15.0, metadata=_check(lambda v: 1 <= v <= 60, "1 to 60"))
    """Frame rate asked of the camera."""

    decoder: str = field(
        default="auto", metadata=_choice("auto", "zxing-cpp", "pyzbar")
    )
    """Barcode library: ``auto`` uses the one measured best per symbology;
    ``pyzbar`` reads QR and Code128 with zbar (PDF417 always uses zxing-cpp)."""

    max_decode_fps: float = field(
        default=15.0, metadata=_check(lambda v: 1 <= v <= 60, "1 to 60")
    )
    """Frames a second decoded while a code is in view or the picture moves."""

    idle_fps: float = field(
        default=4.0, metadata=_check(lambda v: 0.5 <= v <= 60, "0.5 to 60")
    )
    """Frames a second looked at while nothing is in view (saves CPU)."""

    idle_after_seconds: float = field(
        default=3.0, metadata=_check(lambda v: 0.5 <= v <= 60, "0.5 to 60 seconds")
    )
    """Seconds without a code or movement before the camera goes idle."""

    gone_seconds: float = field(
        default=1.0, metadata=_check(lambda v: 0.05 <= v <= 30, "0.05 to 30 seconds")
    )
    """A code not seen this long has left the picture; shown again, it is a new
    scan."""

    hold_off_seconds: float = field(
        default=10.0, metadata=_check(lambda v: 1 <= v <= 3600, "1 to 3600 seconds")
    )
    """A code held in view this long is scanned again."""

    frozen_seconds: float = field(
        default=3.0, metadata=_check(lambda v: 0.5 <= v <= 60, "0.5 to 60 seconds")
    )
    """A camera repeating the very same picture this long is taken as unplugged
    and reopened."""

    reconnect_seconds: float = field(
        default=1.0, metadata=_check(lambda v: 0.1 <= v <= 60, "0.1 to 60 seconds")
    )
    """How often to try the camera again while it is gone."""
