"""Kiosk settings: one TOML file, strictly checked, with a default for every key.

The file is found by ``kiosk --config PATH``, else ``$KIOSK_CONFIG``, else
``/etc/partner-kiosk/kiosk.toml``; when none exists the defaults apply. An unknown
key or a bad value raises :class:`ConfigError`, whose message has one line per
problem naming the key, the value and what is allowed.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import tomllib
import typing
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any

DEFAULT_CONFIG_PATH = Path("/etc/partner-kiosk/kiosk.toml")
CONFIG_ENV = "KIOSK_CONFIG"


class ConfigError(Exception):
    """Invalid configuration file or value; ``str()`` has one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _choice(*allowed: str) -> dict[str, Any]:
    return {"choices": allowed}


def _check(predicate: Callable[[Any], bool], allowed: str) -> dict[str, Any]:
    return {"check": predicate, "allowed": allowed}


def _valid_zone(name: str) -> bool:
    # "localtime" and "posixrules" are files in the zone folder, not zones:
    # they would make the school's dates follow the machine's setting.
    return name in zoneinfo.available_timezones() and name not in _NOT_ZONES


_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


def _known_profile(name: str) -> bool:
    from kiosk.badges.capabilities import profile_names

    return name in profile_names()


def _school_code(code: str) -> bool:
    return 1 <= len(code) <= 16 and code.replace("-", "").replace("_", "").isalnum()


@dataclass(frozen=True)
class KioskSection:
    school: str = field(
        default="DEMO",
        metadata=_check(_school_code, "1 to 16 letters, digits, '-' or '_'"),
    )
    """District code of the school this kiosk stands in."""

    school_name: str = ""
    """Name shown on the screen and the badge; empty means the school code."""

    timezone: str = field(
        default="America/Chicago", metadata=_check(_valid_zone, "an IANA time zone")
    )
    """Time zone of the school; every date the rules use is a local date here."""

    kiosk_id: str = ""
    """Name of this kiosk in the event log; empty means the machine's host name."""

    data_dir: str = ""
    """Folder for the database, the signing key, badges and logs. Empty means
    ``$STATE_DIRECTORY`` (set by systemd), else ``~/.local/share/partner-kiosk``."""

    signout_key_file: str = ""
    """File holding the key that signs the sign-out codes on visitor badges;
    empty means ``signout.key`` in the data directory. Created with a new key
    (mode 0600) when missing. Kiosks sharing one database must use copies of
    one key file, or a badge printed at one kiosk will not sign out at another."""

    language: str = field(default="en", metadata=_choice("en", "es"))
    """Language of the idle screen; a key on the idle screen switches it."""

    result_seconds: float = field(
        default=6.0, metadata=_check(lambda v: 1 <= v <= 60, "1 to 60 seconds")
    )
    """Seconds a welcome, goodbye or see-the-office screen stays up."""

    destinations: tuple[str, ...] = field(
        default=(),
        metadata=_check(
            lambda places: (
                len(places) <= 9
                and all(0 < len(place.strip()) <= 60 for place in places)
            ),
            "at most 9 places, each 1 to 60 characters",
        ),
    )
    """Places in the school a visitor may be going (``["Library", "Room
    112"]``). When set, the kiosk asks each visitor to pick one after signing
    in (keys 1 to 9, or a tap) and prints it on the badge."""

    destination_seconds: float = field(
        default=15.0, metadata=_check(lambda v: 3 <= v <= 120, "3 to 120 seconds")
    )
    """Seconds the kiosk waits for a destination before it prints the badge
    without one."""

    rescan_guard_seconds: float = field(
        default=60.0, metadata=_check(lambda v: 0 <= v <= 3600, "0 to 3600 seconds")
    )
    """A second scan of the same badge this soon after signing in does not sign
    the person out (a double read, or a person checking the kiosk took it),
    and one this soon after signing out does not sign them in again."""

    heartbeat_seconds: float = field(
        default=30.0, metadata=_check(lambda v: 5 <= v <= 600, "5 to 600 seconds")
    )
    """Seconds between the kiosk's heartbeats in the component status table.
    The desk shows a kiosk's parts red once it has missed 3 heartbeats."""

    allow_quit: bool = False
    """Let Ctrl+Q close the kiosk screen. Off at a school, where the screen
    faces visitors; systemd stops the kiosk (``systemctl stop kiosk``)."""


@dataclass(frozen=True)
class ScreeningSection:
    renewal_notice_days: int = field(
        default=30, metadata=_check(lambda v: 0 <= v <= 365, "0 to 365 days")
    )
    """Days before a check's first anniversary from which admissions carry
    the notice ``check_renewal_due``."""


@dataclass(frozen=True)
class RosterSection:
    url: str = field(
        default="",
        metadata=_check(
            lambda v: v == "" or v.startswith(("https://", "http://")),
            "an http:// or https:// URL, or empty",
        ),
    )
    """Where ``kiosk roster sync`` fetches the district roster (the JSON
    document, or a folder URL holding organizations.csv and people.csv when
    it ends with ``/``); empty turns sync off."""

    token_file: str = ""
    """File holding a bearer token sent as ``Authorization``; empty sends none."""

    timeout: float = field(
        default=30.0, metadata=_check(lambda v: 1 <= v <= 600, "1 to 600 seconds")
    )
    """Seconds to wait for the district server."""

    ca_bundle: str = ""
    """CA certificates to check the server with; empty means the system's."""

    max_bytes: int = field(
        default=50_000_000,
        metadata=_check(lambda v: 1000 <= v <= 1_000_000_000, "1000 to 1000000000"),
    )
    """A roster larger than this is refused."""


@dataclass(frozen=True)
class StoreSection:
    url: str = ""
    """SQLAlchemy URL; empty means the SQLite file ``kiosk.db`` in the data
    directory. District mode: ``postgresql+psycopg://user@host/dbname``."""


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


@dataclass(frozen=True)
class DeskSection:
    max_pin_attempts: int = field(
        default=5, metadata=_check(lambda v: 1 <= v <= 20, "1 to 20")
    )
    """Wrong PINs in a row that lock a staff account."""

    lockout_minutes: float = field(
        default=10.0, metadata=_check(lambda v: 1 <= v <= 1440, "1 to 1440 minutes")
    )
    """How long a locked account stays locked."""

    idle_lock_minutes: float = field(
        default=5.0, metadata=_check(lambda v: 0.5 <= v <= 240, "0.5 to 240 minutes")
    )
    """A desk or review session left idle this long locks itself."""

    alert_timeout_minutes: float = field(
        default=10.0, metadata=_check(lambda v: 1 <= v <= 240, "1 to 240 minutes")
    )
    """A refusal alert no clerk acknowledges within this time is marked
    ``timed_out`` and listed for the principal."""

    poll_seconds: float = field(
        default=0.5, metadata=_check(lambda v: 0.1 <= v <= 10, "0.1 to 10 seconds")
    )
    """How often the desk asks the store for new events (refusals, sign-ins)."""

    roster_max_age_hours: float = field(
        default=36.0, metadata=_check(lambda v: 1 <= v <= 720, "1 to 720 hours")
    )
    """The status line shows the roster red when its last import is older."""

    desk_id: str = ""
    """Name of this desk in the event log; empty means ``desk-`` and the
    machine's host name."""


def _clock_time(text: str) -> bool:
    parts = text.split(":")
    if len(parts) != 2 or not all(part.isdigit() and len(part) == 2 for part in parts):
        return False
    return int(parts[0]) < 24 and int(parts[1]) < 60


@dataclass(frozen=True)
class ReviewSection:
    closing_time: str = field(
        default="17:00", metadata=_check(_clock_time, "a local time as HH:MM")
    )
    """Local time the school closes. From then on, every visit of the day that
    is still open is marked not signed out (``kiosk report close-day``)."""

    expiry_warning_days: int = field(
        default=30, metadata=_check(lambda v: 1 <= v <= 365, "1 to 365 days")
    )
    """The exceptions digest lists partners whose agreement or background check
    ends within this many days."""

    long_visit_factor: float = field(
        default=2.0, metadata=_check(lambda v: 1.2 <= v <= 10, "1.2 to 10")
    )
    """A visit counts as far longer than usual when it lasts this many times the
    person's usual (median) visit and at least an hour more."""


@dataclass(frozen=True)
class RetentionSection:
    days: int = field(
        default=730,
        metadata=_check(lambda v: v == 0 or 30 <= v <= 36500, "0, or 30 to 36500"),
    )
    """Visits and events older than this many days are purged by
    ``kiosk report purge`` and the daily job; 0 keeps everything."""


@dataclass(frozen=True)
class LoggingSection:
    level: str = field(
        default="INFO", metadata=_choice("DEBUG", "INFO", "WARNING", "ERROR")
    )
    """Log level."""

    file: str = ""
    """Log file for the full-screen apps (which own the terminal); empty means
    ``logs/kiosk.log`` in the data directory."""


@dataclass(frozen=True)
class Config:
    kiosk: KioskSection = KioskSection()
    screening: ScreeningSection = ScreeningSection()
    roster: RosterSection = RosterSection()
    store: StoreSection = StoreSection()
    printer: PrinterSection = PrinterSection()
    printer_fallback: FallbackPrinterSection = FallbackPrinterSection()
    scanner: ScannerSection = ScannerSection()
    camera: CameraSection = CameraSection()
    desk: DeskSection = DeskSection()
    review: ReviewSection = ReviewSection()
    retention: RetentionSection = RetentionSection()
    logging: LoggingSection = LoggingSection()
    source: Path | None = None
    """File the settings were read from, or None for built-in defaults."""

    @property
    def data_dir(self) -> Path:
        if self.kiosk.data_dir:
            return Path(self.kiosk.data_dir).expanduser()
        state = os.environ.get("STATE_DIRECTORY")
        if state:
            return Path(state.split(":")[0])
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local/share")
        return Path(base) / "partner-kiosk"

    @property
    def signout_key_path(self) -> Path:
        if self.kiosk.signout_key_file:
            return Path(self.kiosk.signout_key_file).expanduser()
        return self.data_dir / "signout.key"

    @property
    def store_url(self) -> str:
        return self.store.url or f"sqlite:///{self.data_dir / 'kiosk.db'}"

    @property
    def badge_dir(self) -> Path:
        return (
            Path(self.printer.path) if self.printer.path else self.data_dir / "badges"
        )

    @property
    def fallback_badge_dir(self) -> Path:
        path = self.printer_fallback.path
        return Path(path) if path else self.data_dir / "badges-fallback"

    @property
    def photo_dir(self) -> Path:
        """Folder of the visitor photos printed on badges."""
        return self.data_dir / "photos"

    @property
    def school_name(self) -> str:
        return self.kiosk.school_name or self.kiosk.school

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.kiosk.timezone)

    @property
    def closing_time(self) -> time:
        """The school's closing time as a local wall-clock time."""
        hours, minutes = self.review.closing_time.split(":")
        return time(int(hours), int(minutes))

    @property
    def log_file(self) -> Path:
        if self.logging.file:
            return Path(self.logging.file).expanduser()
        return self.data_dir / "logs" / "kiosk.log"


_SECTIONS: dict[str, type] = {
    "kiosk": KioskSection,
    "screening": ScreeningSection,
    "roster": RosterSection,
    "store": StoreSection,
    "printer": PrinterSection,
    "printer_fallback": FallbackPrinterSection,
    "scanner": ScannerSection,
    "camera": CameraSection,
    "desk": DeskSection,
    "review": ReviewSection,
    "retention": RetentionSection,
    "logging": LoggingSection,
}


def _describe_type(kind: Any) -> str:
    return {
        str: "a string",
        int: "a whole number",
        float: "a number",
        bool: "true or false",
    }.get(kind, str(kind))


def _convert(kind: Any, value: Any) -> Any:
    """Return ``value`` as ``kind``, or raise ValueError."""
    if kind is bool:
        if isinstance(value, bool):
            return value
        raise ValueError(_describe_type(kind))
    if kind == tuple[str, ...]:
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return tuple(value)
        raise ValueError("a list of strings")
    if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if kind is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind is str and isinstance(value, str):
        return value
    if kind is str and isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # camera source = 0
    raise ValueError(_describe_type(kind))


def _check_field(section: str, fld: dataclasses.Field, raw: Any) -> tuple[Any, str]:
    kind = typing.get_type_hints(_SECTIONS[section])[fld.name]
    key = f"[{section}] {fld.name}"
    try:
        value = _convert(kind, raw)
    except ValueError as exc:
        return None, f"{key} = {raw!r}: expected {exc}"
    choices = fld.metadata.get("choices")
    if choices is not None and value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        return None, f"{key} = {raw!r}: expected one of {allowed}"
    check = fld.metadata.get("check")
    if check is not None and not check(value):
        return None, f"{key} = {raw!r}: expected {fld.metadata['allowed']}"
    return value, ""


def _unknown(name: str, known: list[str], where: str) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"{where}: unknown key {name!r}{hint}; allowed: {', '.join(known)}"


def parse_config(data: dict[str, Any], source: Path | None = None) -> Config:
    """Build a Config from parsed TOML, or raise ConfigError listing every problem."""
    problems: list[str] = []
    sections: dict[str, Any] = {}
    for name, value in data.items():
        if name not in _SECTIONS:
            problems.append(_unknown(name, list(_SECTIONS), "section"))
            continue
        if not isinstance(value, dict):
            problems.append(f"[{name}] = {value!r}: expected a table of settings")
            continue
        fields = {f.name: f for f in dataclasses.fields(_SECTIONS[name])}
        values: dict[str, Any] = {}
        for key, raw in value.items():
            if key not in fields:
                problems.append(_unknown(key, list(fields), f"[{name}]"))
                continue
            checked, problem = _check_field(name, fields[key], raw)
            if problem:
                problems.append(problem)
            else:
                values[key] = checked
        sections[name] = _SECTIONS[name](**values)
    config = Config(**sections, source=source)
    problems.extend(_cross_checks(config))
    if problems:
        raise ConfigError(problems)
    return config


def _cross_checks(config: Config) -> list[str]:
    problems = []
    for name in ("printer", "printer_fallback"):
        printer = getattr(config, name)
        if printer.connection == "network" and not printer.host:
            problems.append(
                f"[{name}] host = '': expected the printer's host name or address "
                "when connection = 'network'"
            )
        if printer.connection == "usb" and not (
            printer.usb_vendor and printer.usb_product
        ):
            problems.append(
                f"[{name}] usb_vendor = {printer.usb_vendor!r}: expected the vendor "
                "and product ids (usb_vendor, usb_product) when connection = 'usb'"
            )
    scanner = config.scanner
    if scanner.partial_timeout_ms <= scanner.idle_gap_ms:
        problems.append(
            f"[scanner] partial_timeout_ms = {scanner.partial_timeout_ms!r}: expected "
            f"more than idle_gap_ms ({scanner.idle_gap_ms!r})"
        )
    return problems


def find_config_path(explicit: str | None) -> Path | None:
    """Return the settings file to read, or None to run on defaults.

    An explicit path, or one named by ``$KIOSK_CONFIG``, must exist.
    """
    if explicit:
        return Path(explicit)
    from_env = os.environ.get(CONFIG_ENV)
    if from_env:
        return Path(from_env)
    return DEFAULT_CONFIG_PATH if DEFAULT_CONFIG_PATH.exists() else None


def load_config(explicit: str | None = None) -> Config:
    """Find, read and check the settings file (see the module docstring)."""
    path = find_config_path(explicit)
    if path is None:
        return Config()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError([f"config file {path}: not found"]) from None
    except PermissionError:
        raise ConfigError([f"config file {path}: permission denied"]) from None
    except IsADirectoryError:
        raise ConfigError([f"config file {path}: is a folder, not a file"]) from None
    except OSError as exc:
        raise ConfigError(
            [f"config file {path}: cannot read: {exc.strerror}"]
        ) from None
    try:
        # Editors on Windows save UTF-8 with a byte order mark; TOML has none.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            [f"config file {path}: not UTF-8 text (byte {exc.start}); save it as UTF-8"]
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"config file {path}: invalid TOML: {exc}"]) from None
    return parse_config(data, source=path)
