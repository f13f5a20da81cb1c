"""Helpers for the badge and printer tests: kiosks wired to test printers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

from PIL import Image, ImageDraw
from sqlalchemy import select

from drivers.printer.fake import FakeNetworkPrinter
from kiosk.assembly import Kiosk, build_kiosk
from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.store.models import ComponentStatus, Event, Visit
from tests.support import ROSTER_DIR, SCANS, run_kiosk

AT = "2026-12-04T08:30"
"""A Friday, when the shared fixture roster admits P001 at school ALD."""


def network_printer_section(printer: FakeNetworkPrinter, **extra: object) -> dict:
    return {
        "connection": "network",
        "host": printer.host,
        "port": printer.port,
        "timeout": 1.0,
        "status_timeout": 0.3,
        **extra,
    }


def rostered(make_config, **sections: dict[str, object]) -> Path:
    """Write settings for school ALD and import the shared roster."""
    config = make_config(**sections)
    status, output = run_kiosk(
        ["--config", str(config), "roster", "import", str(ROSTER_DIR)]
    )
    assert status == 0, output
    return config


@contextmanager
def open_kiosk(config: Path, at: str = AT) -> Iterator[Kiosk]:
    kiosk = build_kiosk(
        load_config(str(config)), FixedClock.at_local(at, "America/Chicago")
    )
    try:
        yield kiosk
    finally:
        kiosk.close()


def sign_in(kiosk: Kiosk, scan: str = "badge_P001_ALD.bin") -> int:
    """Store an admitted sign-in without printing; return the visit id."""
    result = kiosk.checkin.process((SCANS / scan).read_bytes())
    assert result.outcome == "signed_in", result
    assert result.visit_id is not None
    return result.visit_id


def visit_row(kiosk: Kiosk, visit_id: int) -> SimpleNamespace:
    """Return the stored columns of a visit."""
    with kiosk.store.read() as session:
        visit = session.get(Visit, visit_id)
        assert visit is not None
        return SimpleNamespace(
            **{
                column.key: getattr(visit, column.key)
                for column in Visit.__table__.columns
            }
        )


def events_of(kiosk: Kiosk, visit_id: int) -> list[tuple[str, dict]]:
    with kiosk.store.read() as session:
        rows = session.scalars(
            select(Event).where(Event.visit_id == visit_id).order_by(Event.id)
        )
        return [(event.kind, dict(event.detail)) for event in rows]


def component(kiosk: Kiosk, name: str = "printer") -> SimpleNamespace | None:
    """Return the stored state of a kiosk component, or None if none is stored."""
    with kiosk.store.read() as session:
        row = session.get(ComponentStatus, (kiosk.station.kiosk_id, name))
        if row is None:
            return None
        return SimpleNamespace(ok=row.ok, detail=row.detail, updated_at=row.updated_at)


def still_photo(width: int = 480, height: int = 640) -> Image.Image:
    """Draw a fictional head-and-shoulders still, as a kiosk camera might take."""
    image = Image.new("RGB", (width, height), (120, 140, 170))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        draw.line([(0, y), (width, y)], fill=(90 + y // 6, 110 + y // 8, 160))
    draw.ellipse((140, 120, 340, 380), fill=(200, 150, 120))
    draw.rectangle((90, 400, 390, 640), fill=(40, 60, 120))
    draw.ellipse((190, 210, 220, 240), fill=(30, 30, 30))
    draw.ellipse((260, 210, 290, 240), fill=(30, 30, 30))
    draw.arc((200, 270, 280, 330), 20, 160, fill=(110, 30, 30), width=6)
    return image
