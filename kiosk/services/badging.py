"""Print the visitor badge of a stored visit, and record how that went.

A printer fault never loses a sign-in: the visit is already stored, the fault
is logged, and the visit's badge goes into the reprint queue the desk sees.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from drivers.printer import PrinterError, PrinterTransport
from kiosk.badges.escpos_render import render_escpos
from kiosk.badges.layout import PAPER_DOTS, Badge, badge_elements
from kiosk.badges.preview import render_preview
from kiosk.clock import Clock
from kiosk.services.signout import SignOutKey
from kiosk.store.database import Store
from kiosk.store.events import EventSource, append_event
from kiosk.store.models import Visit

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BadgeSettings:
    school_name: str
    paper_mm: int = 80
    symbology: str = "qr"
    profile: str = "default"


@dataclass(frozen=True)
class PrintOutcome:
    status: str
    """``printed`` or ``queued`` (the printer failed; reprint from the desk)."""
    path: Path | None = None
    error: str | None = None
    """Reason code of the fault (see PrinterError)."""


class BadgePrinter:
    """Builds a badge from the store and sends it to one printer transport."""

    def __init__(
        self,
        store: Store,
        transport: PrinterTransport,
        settings: BadgeSettings,
        key: SignOutKey,
        clock: Clock,
        source: EventSource,
        zone,  # type: ignore[no-untyped-def]
    ) -> None:
        self.store = store
        self.transport = transport
        self.settings = settings
        self.key = key
        self.clock = clock
        self.source = source
        self.zone = zone

    def badge_for(self, visit: Visit, reprint: bool = False) -> Badge:
        person = visit.person
        if visit.visitor_name and visit.signed_in_at is not None:
            # A one-time visitor signed in at the desk: not on the roster.
            return Badge(
                school_name=self.settings.school_name,
                banner="VISITOR",
                name=visit.visitor_name,
                organization=visit.visitor_purpose or "",
                signed_in_at=visit.signed_in_at.astimezone(self.zone),
                sign_out_code=self.key.code_for(visit.id),
                reprint=reprint,
            )
        if person is None or visit.signed_in_at is None:
            raise ValueError(f"visit {visit.id} has no admitted person")
        return Badge(
            school_name=self.settings.school_name,
            banner="PARTNER",
            name=person.display_name,
            organization=person.organization.name,
            signed_in_at=visit.signed_in_at.astimezone(self.zone),
            sign_out_code=self.key.code_for(visit.id),
            reprint=reprint,
        )

    def render(self, badge: Badge) -> tuple[bytes, bytes]:
        """Return the ESC/POS job and the PNG preview of ``badge``."""
        elements = badge_elements(
            badge, self.settings.paper_mm, self.settings.symbology
        )
        job = render_escpos(
            elements, self.settings.profile, PAPER_DOTS[self.settings.paper_mm]
        )
        preview = io.BytesIO()
        render_preview(elements, PAPER_DOTS[self.settings.paper_mm]).save(
            preview, "PNG"
        )
        return job, preview.getvalue()

    def print_visit(self, visit_id: int, reprint: bool = False) -> PrintOutcome:
        """Print the badge of ``visit_id`` and store the outcome."""
        with self.store.read() as session:
            visit = session.get(Visit, visit_id)
            if visit is None:
                raise ValueError(f"visit {visit_id} not found")
            badge = self.badge_for(visit, reprint)
        job, preview = self.render(badge)
        job_name = f"visit-{visit_id}" + ("-reprint" if reprint else "")
        try:
            path = self.transport.send(job, job_name, preview)
        except PrinterError as exc:
            logger.error(
                "badge for visit %d not printed on %s: %s (%s)",
                visit_id,
                self.transport.description,
                exc.reason,
                exc,
            )
            self._record(visit_id, "queued", {"error": exc.reason, "reprint": reprint})
            return PrintOutcome("queued", error=exc.reason)
        self._record(visit_id, "printed", {"bytes": len(job), "reprint": reprint})
        return PrintOutcome("printed", path=path)

    def _record(self, visit_id: int, status: str, detail: dict) -> None:
        now = self.clock.now()

        def work(session: Session) -> None:
            visit = session.get(Visit, visit_id)
            assert visit is not None
            visit.badge_status = status
            kind = "print" if status == "printed" else "print_failed"
            append_event(
                session,
                self.source,
                kind,
                now,
                visit_id=visit_id,
                person_id=visit.person_id,
                detail=detail,
            )

        self.store.write(work)
