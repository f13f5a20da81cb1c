"""Print the visitor badge of a stored visit, and record how that went.

A printer fault never loses a sign-in: the visit is stored before anything is
printed, the fault is logged, and when no printer took the badge the visit's
badge goes into the reprint queue the desk lists (``badge_status = 'queued'``).
With a fallback printer configured, a badge the kiosk's printer cannot print
goes there, and the visitor is told where to pick it up.
"""

from __future__ import annotations

import io
import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from PIL import Image
from sqlalchemy.orm import Session

from drivers.printer import PrinterError, PrinterTransport
from kiosk.badges.capabilities import PrinterCapabilities, capabilities_for
from kiosk.badges.escpos_render import render_escpos
from kiosk.badges.layout import PARTNER, VISITOR, Badge, badge_elements
from kiosk.badges.photo import load_photo, save_photo
from kiosk.badges.preview import render_preview
from kiosk.clock import Clock
from kiosk.services.signout import SignOutKey
from kiosk.store.components import record_component_status
from kiosk.store.database import Store
from kiosk.store.events import EventSource, append_event
from kiosk.store.models import Visit

logger = logging.getLogger(__name__)

PRIMARY, FALLBACK = "printer", "printer_fallback"
"""Target names, which are also their ``component_status`` component names."""

PRINTED, QUEUED = "printed", "queued"


class BadgeError(ValueError):
    """The visit cannot have a badge (not found, refused or signed out)."""


@dataclass(frozen=True)
class BadgeSettings:
    school_name: str
    paper_mm: int = 80
    symbology: str = "qr"
    profile: str = "default"
    photo: bool = True
    """Print the visit's photo when it has one."""

    @property
    def capabilities(self) -> PrinterCapabilities:
        return capabilities_for(self.profile, self.paper_mm)


@dataclass(frozen=True)
class PrinterTarget:
    """One printer badges may go to, with the layout settings for its paper."""

    name: str
    """``printer`` or ``printer_fallback``."""
    transport: PrinterTransport
    settings: BadgeSettings
    location: str = ""
    """Place of a fallback printer, as the kiosk shows it to the visitor."""


@dataclass(frozen=True)
class PrintOutcome:
    status: str
    """``printed``, or ``queued`` (no printer took it; reprint from the desk)."""
    path: Path | None = None
    """File written, for a folder printer."""
    error: str | None = None
    """Reason code of the last fault (see drivers.printer.base.REASON_WORDS)."""
    printer: str | None = None
    """Name of the target that printed the badge."""
    location: str = ""
    """Place to pick the badge up when the fallback printer printed it."""
    reprint: bool = False
    seconds: float = 0.0
    """Time from the request to the last byte delivered (or the last fault)."""

    @property
    def at_fallback(self) -> bool:
        return self.status == PRINTED and self.printer == FALLBACK


class PrinterCheck(NamedTuple):
    """The outcome of asking one printer for its state."""

    name: str
    """``printer`` or ``printer_fallback``."""
    ok: bool
    words: str
    """The state in plain words, as the desk's status line shows it."""
    reason: str | None = None
    """Reason code of the fault (see drivers.printer.base.REASON_WORDS)."""


@dataclass
class _Attempt:
    target: PrinterTarget
    ok: bool
    words: str
    reason: str | None = None
    size: int = 0
    path: Path | None = None


def _badge_name(visit: Visit) -> tuple[str, str, str]:
    """Return the banner, name and organization line of ``visit``."""
    person = visit.person
    if person is not None:
        return PARTNER, person.display_name, person.organization.name
    if visit.visitor_name:
        return VISITOR, visit.visitor_name, visit.visitor_purpose or ""
    raise BadgeError(f"visit {visit.id} has no person or visitor name")


class BadgePrinter:
    """Builds badges from the store and sends them to the first printer that
    takes them."""

    def __init__(
        self,
        store: Store,
        targets: Sequence[PrinterTarget],
        key: SignOutKey,
        clock: Clock,
        source: EventSource,
        zone: ZoneInfo,
        photo_dir: Path | None = None,
    ) -> None:
        if not targets:
            raise ValueError("a badge printer needs at least one printer target")
        self.store = store
        self.targets = list(targets)
        self.key = key
        self.clock = clock
        self.source = source
        self.zone = zone
        self.photo_dir = photo_dir
        self._lock = threading.Lock()
        """Held while a job is sent, so two badges never interleave."""
        self._check_faults: dict[str, str | None] = {}
        """Reason code of each target's last status check, so a fault that
        persists is logged once, not at every check."""

    @property
    def primary(self) -> PrinterTarget:
        return self.targets[0]

    def badge_for(
        self, visit: Visit, reprint: bool, photo: Image.Image | None = None
    ) -> Badge:
        if not visit.admitted or visit.signed_in_at is None:
            raise BadgeError(f"visit {visit.id} was not admitted")
        banner, name, organization = _badge_name(visit)
        if photo is None and visit.photo_path:
            photo = load_photo(visit.photo_path)
        return Badge(
            school_name=self.primary.settings.school_name,
            banner=banner,
            name=name,
            organization=organization,
            signed_in_at=visit.signed_in_at.astimezone(self.zone),
            sign_out_code=self.key.code_for(visit.id),
            destination=visit.destination or "",
            photo=photo,
            reprint=reprint,
        )

    @staticmethod
    def render(badge: Badge, settings: BadgeSettings) -> tuple[bytes, bytes]:
        """Return the ESC/POS job and the PNG preview of ``badge``."""
        caps = settings.capabilities
        elements = badge_elements(badge, caps, settings.symbology, settings.photo)
        job = render_escpos(elements, caps)
        preview = io.BytesIO()
        render_preview(elements, caps.paper_dots).save(preview, "PNG")
        return job, preview.getvalue()

    def print_visit(
        self,
        visit_id: int,
        *,
        reprint: bool | None = None,
        photo: Image.Image | None = None,
        staff_id: int | None = None,
    ) -> PrintOutcome:
        """Print the badge of ``visit_id`` and store the outcome.

        ``reprint`` marks the badge REPRINT; by default it is marked when an
        earlier attempt may have printed it. ``photo`` is a still the kiosk
        camera took; it is stored with the visit so reprints show it too.

        Raises:
            BadgeError: the visit does not exist, was refused or is signed out.
        """
        started = time.perf_counter()
        if photo is not None and self.photo_dir is not None:
            self._store_photo(visit_id, photo)
        with self.store.read() as session:
            visit = session.get(Visit, visit_id)
            if visit is None:
                raise BadgeError(f"visit {visit_id} not found")
            if visit.sign_out_method is not None:
                raise BadgeError(f"visit {visit_id} is already signed out")
            if reprint is None:
                reprint = visit.badge_status not in ("none", "pending")
            badge = self.badge_for(visit, reprint, photo)

        attempts: list[_Attempt] = []
        with self._lock:
            for target in self.targets:
                attempt = self._attempt(target, badge, visit_id)
                attempts.append(attempt)
                if attempt.ok:
                    break
        seconds = time.perf_counter() - started
        outcome = self._outcome(attempts, reprint, seconds)
        self._record(visit_id, outcome, attempts, staff_id)
        logger.info(
            "badge for visit %d %s%s in %.3f s",
            visit_id,
            outcome.status,
            f" on {outcome.printer}" if outcome.printer else "",
            seconds,
        )
        return outcome

    def _store_photo(self, visit_id: int, photo: Image.Image) -> None:
        assert self.photo_dir is not None
        try:
            path = save_photo(photo, self.photo_dir, visit_id)
        except OSError:
            logger.warning("photo of visit %d not stored", visit_id, exc_info=True)
            return

        def work(session: Session) -> None:
            visit = session.get(Visit, visit_id)
            if visit is not None:
                visit.photo_path = str(path)

        self.store.write(work)

    def _attempt(self, target: PrinterTarget, badge: Badge, visit_id: int) -> _Attempt:
        job, preview = self.render(badge, target.settings)
        job_name = f"visit-{visit_id}" + ("-reprint" if badge.reprint else "")
        try:
            delivery = target.transport.send(job, job_name, preview)
        except PrinterError as exc:
            logger.error(
                "badge for visit %d not printed on %s (%s): %s: %s",
                visit_id,
                target.name,
                target.transport.description,
                exc.reason,
                exc,
            )
            return _Attempt(target, ok=False, words=exc.words, reason=exc.reason)
        return _Attempt(
            target,
            ok=True,
            words=delivery.state.words,
            size=len(job),
            path=delivery.path,
        )

    @staticmethod
    def _outcome(
        attempts: list[_Attempt], reprint: bool, seconds: float
    ) -> PrintOutcome:
        last = attempts[-1]
        if not last.ok:
            return PrintOutcome(
                QUEUED, error=last.reason, reprint=reprint, seconds=seconds
            )
        return PrintOutcome(
            PRINTED,
            path=last.path,
            error=attempts[0].reason,
            printer=last.target.name,
            location=last.target.location if last.target.name == FALLBACK else "",
            reprint=reprint,
            seconds=seconds,
        )

    def _record(
        self,
        visit_id: int,
        outcome: PrintOutcome,
        attempts: list[_Attempt],
        staff_id: int | None,
    ) -> None:
        now = self.clock.now()

        def work(session: Session) -> None:
            visit = session.get(Visit, visit_id)
            assert visit is not None
            visit.badge_status = outcome.status
            if outcome.path is not None:
                visit.badge_path = str(outcome.path)
            for attempt in attempts:
                detail: dict[str, Any] = {
                    "printer": attempt.target.name,
                    "reprint": outcome.reprint,
                }
                if staff_id is not None:
                    detail["staff_id"] = staff_id
                if attempt.ok:
                    detail["bytes"] = attempt.size
                else:
                    detail["error"] = attempt.reason
                append_event(
                    session,
                    self.source,
                    "print" if attempt.ok else "print_failed",
                    now,
                    visit_id=visit_id,
                    person_id=visit.person_id,
                    detail=detail,
                )
                record_component_status(
                    session,
                    self.source,
                    attempt.target.name,
                    attempt.ok,
                    attempt.words,
                    now,
                )

        self.store.write(work)

    def check_printers(self) -> list[PrinterCheck]:
        """Ask each printer for its state and record it for the desk.

        Returns one check for each printer. A printer that accepts the
        connection but sends no response to the status request fails with
        ``not_responding`` (unless its ``status_check`` is off). A check is
        skipped while a badge is printing, because the badge records the
        state itself.
        """
        if not self._lock.acquire(blocking=False):
            return []
        try:
            results = []
            for target in self.targets:
                try:
                    state = target.transport.probe()
                except PrinterError as exc:
                    self._log_check(target, exc.reason, str(exc))
                    results.append(
                        PrinterCheck(target.name, False, exc.words, exc.reason)
                    )
                    continue
                fault = state.fault
                self._log_check(target, fault, state.words)
                results.append(
                    PrinterCheck(target.name, fault is None, state.words, fault)
                )
        finally:
            self._lock.release()
        now = self.clock.now()

        def work(session: Session) -> None:
            for name, ok, words, _reason in results:
                record_component_status(session, self.source, name, ok, words, now)

        self.store.write(work)
        return results

    def _log_check(self, target: PrinterTarget, fault: str | None, text: str) -> None:
        previous = self._check_faults.get(target.name)
        self._check_faults[target.name] = fault
        if fault == previous:
            return
        where = f"{target.name} ({target.transport.description})"
        if fault is None:
            logger.info("status check of %s: %s", where, text)
        else:
            logger.warning("status check of %s failed: %s: %s", where, fault, text)
