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
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any

from kiosk.config.hardware import (
    CameraSection,
    FallbackPrinterSection,
    PrinterSection,
    ScannerSection,
)
from kiosk.config.sections import (
    DeskSection,
    KioskSection,
    LoggingSection,
    RetentionSection,
    ReviewSection,
    RosterSection,
    ScreeningSection,
    StoreSection,
)

DEFAULT_CONFIG_PATH = Path("/etc/partner-kiosk/kiosk.toml")
CONFIG_ENV = "KIOSK_CONFIG"


class ConfigError(Exception):
    """Invalid configuration file or value; ``str()`` has one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Config:
    kiosk: KioskSection = field(default_factory=KioskSection)
    screening: ScreeningSection = field(default_factory=ScreeningSection)
    roster: RosterSection = field(default_factory=RosterSection)
    store: StoreSection = field(default_factory=StoreSection)
    printer: PrinterSection = field(default_factory=PrinterSection)
    printer_fallback: FallbackPrinterSection = field(
        default_factory=FallbackPrinterSection
    )
    scanner: ScannerSection = field(default_factory=ScannerSection)
    camera: CameraSection = field(default_factory=CameraSection)
    desk: DeskSection = field(default_factory=DeskSection)
    review: ReviewSection = field(default_factory=ReviewSection)
    retention: RetentionSection = field(default_factory=RetentionSection)
    logging: LoggingSection = field(default_factory=LoggingSection)
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
