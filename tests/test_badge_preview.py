"""PNG previews of each badge layout, compared with committed snapshots.

The snapshots in tests/snapshots/ are what the layouts looked like when last
approved. Fonts or FreeType versions shift a few edge pixels, so a preview
matches when the same size and at most ``TOLERANCE`` of its pixels differ.
After an intended layout change, regenerate them with

    KIOSK_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_badge_preview.py

and look at the new PNGs before committing them.
"""

from __future__ import annotations

import io
import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from PIL import Image

from kiosk.badges.sample import sample_badge
from kiosk.services.badging import BadgePrinter, BadgeSettings
from tests.badge_support import still_photo
from tests.support import run_kiosk

SNAPSHOTS = Path(__file__).with_name("snapshots")
TOLERANCE = 0.01
UPDATE = os.environ.get("KIOSK_UPDATE_SNAPSHOTS") == "1"
FRIDAY = datetime(2026, 12, 4, 8, 30, tzinfo=ZoneInfo("America/Chicago"))
SCHOOL = "Aldridge Elementary School"

LAYOUTS = {
    "partner-qr": ({}, {"symbology": "qr", "profile": "default"}),
    "visitor-photo-code128": (
        {"visitor": True, "photo": "still", "reprint": True},
        {"symbology": "code128", "profile": "simple"},
    ),
    "long-name": (
        {"name": "Christopher Alexander Montgomery-Fitzgerald-Whitmore"},
        {"symbology": "qr", "profile": "simple"},
    ),
    "name-as-picture": (
        {"name": "王小明 Ирина Соколова", "destination": ""},
        {"symbology": "qr", "profile": "simple"},
    ),
}


def preview(layout: str, paper: int) -> Image.Image:
    badge_options, printer_options = LAYOUTS[layout]
    options = dict(badge_options)
    if options.get("photo") == "still":
        options["photo"] = still_photo()
    badge = sample_badge(SCHOOL, FRIDAY, **options)
    settings = BadgeSettings(school_name=SCHOOL, paper_mm=paper, **printer_options)
    _, png = BadgePrinter.render(badge, settings)
    return Image.open(io.BytesIO(png)).convert("L")


def differing_share(first: Image.Image, second: Image.Image) -> float:
    return float((np.asarray(first) != np.asarray(second)).mean())


@pytest.mark.parametrize("paper", [80, 58])
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_preview_matches_snapshot(layout, paper):
    image = preview(layout, paper)
    reference = SNAPSHOTS / f"{layout}-{paper}mm.png"
    if UPDATE:
        SNAPSHOTS.mkdir(exist_ok=True)
        image.save(reference, optimize=True)
    assert reference.exists(), f"no snapshot {reference.name}; see the module docstring"
    expected = Image.open(reference).convert("L")
    assert image.size == expected.size
    assert differing_share(image, expected) <= TOLERANCE


def test_preview_width_is_paper_width():
    assert preview("partner-qr", 80).width == 576
    assert preview("partner-qr", 58).width == 384


def test_comparison_notices_changed_name():
    changed = preview("partner-qr", 80)
    other = sample_badge(SCHOOL, FRIDAY, name="Marco Jesús Núñez-García")
    _, png = BadgePrinter.render(other, BadgeSettings(school_name=SCHOOL))
    assert (
        differing_share(changed, Image.open(io.BytesIO(png)).convert("L")) > TOLERANCE
    )


def test_preview_command_writes_png(make_config, tmp_path):
    config = make_config(kiosk={"school_name": SCHOOL})
    out = tmp_path / "badge.png"
    job = tmp_path / "badge.bin"
    status, output = run_kiosk(
        [
            "--config",
            str(config),
            "badge",
            "preview",
            "--out",
            str(out),
            "--paper",
            "58",
            "--escpos",
            str(job),
        ]
    )
    assert status == 0, output
    assert "58 mm" in output
    with Image.open(out) as image:
        assert image.width == 384
        assert image.height > 600
    assert job.read_bytes().startswith(b"\x1b@")


def test_preview_command_rejects_unknown_profile(make_config, tmp_path, capsys):
    config = make_config()
    status, _ = run_kiosk(
        [
            "--config",
            str(config),
            "badge",
            "preview",
            "--out",
            str(tmp_path / "x.png"),
            "--profile",
            "TM-NOPE",
        ]
    )
    assert status == 1
    assert "unknown printer profile 'TM-NOPE'" in capsys.readouterr().err
