"""The settings sections of the kiosk itself, its store, desk, review and logs."""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.config.checks import (
    SCHOOL_CODE_RULE,
    _check,
    _choice,
    _valid_zone,
    is_school_code,
)


@dataclass(frozen=True)
class KioskSection:
    school: str = field(
        default="DEMO",
        metadata=_check(is_school_code, SCHOOL_CODE_RULE),
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
