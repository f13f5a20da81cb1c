"""Messages the review's thread workers post back to its screens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual.message import Message

from kiosk.services.reports import VisitRow
from kiosk.services.staff import StaffMember


@dataclass
class SignInSucceeded(Message):
    member: StaffMember


@dataclass
class SignInFailed(Message):
    reason: str


@dataclass
class DayLoaded(Message):
    day: date
    rows: list[VisitRow]
    log_status: str
    log_ok: bool


@dataclass
class StoreFailed(Message):
    """A read or write failed; ``what`` tells the principal what did not happen."""

    what: str


@dataclass
class ActionDone(Message):
    """A write finished; ``notice`` is shown and the day is loaded again."""

    notice: str
