"""Messages the desk app's worker threads post back to the screens."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from kiosk.services.desk.views import DeskSnapshot
from kiosk.services.staff import StaffMember


@dataclass
class SnapshotReady(Message):
    """A poll read the store; ``snapshot`` is None when nothing changed."""

    staff: StaffMember
    snapshot: DeskSnapshot | None


@dataclass
class AlertCountReady(Message):
    """A poll while locked read how many alerts are open (no names)."""

    count: int


@dataclass
class StoreFailed(Message):
    """A poll could not read the store."""

    error: str


@dataclass
class SignedIn(Message):
    staff: StaffMember


@dataclass
class SignInFailed(Message):
    reason: str
    message: str
