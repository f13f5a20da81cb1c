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
import tomllib
import typing
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
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
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


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

    language: str = field(default="en", metadata=_choice("en", "es"))
    """Language of the idle screen; a key on the idle screen switches it."""

    result_seconds: float = field(
        default=6.0, metadata=_check(lambda v: 1 <= v <= 60, "1 to 60 seconds")
    )
    """Seconds a welcome, goodbye or see-the-office screen stays up."""

    rescan_guard_seconds: float = field(
        default=60.0, metadata=_check(lambda v: 0 <= v <= 3600, "0 to 3600 seconds")
    )
    """A second scan of the same badge this soon after signing in does not sign
    the person out (a double read, or a person checking the kiosk took it)."""


@dataclass(frozen=True)
class ScreeningSection:
    renewal_notice_days: int = field(
        default=30, metadata=_check(lambda v: 0 <= v <= 365, "0 to 365 days")
    )
    """Days before a check's first anniversary from which admissions carry
    the notice ``check_renewal_due``."""


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

    profile: str = "default"
    """python-escpos printer profile, for example ``TM-T88V``."""

    paper_width: int = field(default=80, metadata={"choices": (80, 58)})
    """Paper width in millimetres: 80 (576 dots) or 58 (384 dots)."""

    barcode: str = field(default="qr", metadata=_choice("qr", "code128"))
    """Symbology of the sign-out code on the badge."""

    usb_vendor: int = 0
    """For ``usb``: vendor id (write it as hex, ``0x04b8``)."""

    usb_product: int = 0
    """For ``usb``: product id."""

    serial_device: str = "/dev/ttyUSB0"
    """For ``serial``: the printer's serial device."""

    serial_baudrate: int = 9600
    """For ``serial``: baud rate."""


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
    """Characters the scanner is set to send before each code; removed."""

    suffix: str = ""
    """Characters the scanner is set to send after each code; removed."""


@dataclass(frozen=True)
class CameraSection:
    source: str = "0"
    """Device index (``0``), device path, video or image-sequence path, or URL."""


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
    store: StoreSection = StoreSection()
    printer: PrinterSection = PrinterSection()
    scanner: ScannerSection = ScannerSection()
    camera: CameraSection = CameraSection()
    desk: DeskSection = DeskSection()
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
    def store_url(self) -> str:
        return self.store.url or f"sqlite:///{self.data_dir / 'kiosk.db'}"

    @property
    def badge_dir(self) -> Path:
        return (
            Path(self.printer.path) if self.printer.path else self.data_dir / "badges"
        )

    @property
    def school_name(self) -> str:
        return self.kiosk.school_name or self.kiosk.school

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.kiosk.timezone)

    @property
    def log_file(self) -> Path:
        if self.logging.file:
            return Path(self.logging.file).expanduser()
        return self.data_dir / "logs" / "kiosk.log"


_SECTIONS: dict[str, type] = {
    "kiosk": KioskSection,
    "screening": ScreeningSection,
    "store": StoreSection,
    "printer": PrinterSection,
    "scanner": ScannerSection,
    "camera": CameraSection,
    "desk": DeskSection,
    "logging": LoggingSection,
}


def _describe_type(kind: Any) -> str:
    return {str: "a string", int: "a whole number", float: "a number"}.get(
        kind, str(kind)
    )


def _convert(kind: Any, value: Any) -> Any:
    """Return ``value`` as ``kind``, or raise ValueError."""
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
    printer = config.printer
    if printer.connection == "network" and not printer.host:
        problems.append(
            "[printer] host = '': expected the printer's host name or address "
            "when connection = 'network'"
        )
    if printer.connection == "usb" and not (printer.usb_vendor and printer.usb_product):
        problems.append(
            f"[printer] usb_vendor = {printer.usb_vendor!r}: expected the vendor "
            "and product ids (usb_vendor, usb_product) when connection = 'usb'"
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
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError([f"config file {path}: not found"]) from None
    except PermissionError:
        raise ConfigError([f"config file {path}: permission denied"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"config file {path}: invalid TOML: {exc}"]) from None
    return parse_config(data, source=path)
