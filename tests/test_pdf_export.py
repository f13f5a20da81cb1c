"""PDF exports render: pages converted to PNG by poppler's pdftoppm look sane,
and the text a principal reads is there (or, without sign-in, is not)."""

from __future__ import annotations

import io
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image

from kiosk.clock import FixedClock
from tests.support import run_kiosk, run_scan
from tests.week_fixture import CLERK_PIN, FRIDAY, MONDAY, PRINCIPAL_PIN

DPI = 50
BAR_BLUE = (0x3B, 0x6E, 0xA5)


def export(config: Path, out: Path, *extra: str) -> None:
    status, output = run_kiosk(
        [
            "--config",
            str(config),
            "report",
            "range",
            "--from",
            str(MONDAY),
            "--to",
            str(FRIDAY),
            "--format",
            "pdf",
            "--out",
            str(out),
            *extra,
        ]
    )
    assert status == 0, output


def pages_as_png(pdf: Path, folder: Path) -> list[Image.Image]:
    subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-png", str(pdf), str(folder / "page")],
        check=True,
        timeout=120,
    )
    return [
        Image.open(path).convert("RGB") for path in sorted(folder.glob("page-*.png"))
    ]


def pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout


def ink_share(image: Image.Image) -> float:
    grey = image.convert("L")
    dark = sum(grey.histogram()[:200])
    return dark / (grey.width * grey.height)


def has_colour(image: Image.Image, colour: tuple[int, int, int]) -> bool:
    return any(
        all(abs(a - b) <= 12 for a, b in zip(pixel, colour, strict=True))
        for _, pixel in image.getcolors(maxcolors=1 << 20) or []
    )


@pytest.fixture
def principal_pdf(week, tmp_path, monkeypatch) -> Path:
    config, _ = week
    out = tmp_path / "week.pdf"
    monkeypatch.setattr("sys.stdin", io.StringIO(PRINCIPAL_PIN + "\n"))
    export(config, out, "--as", "d.whitfield", "--pin-stdin")
    return out


def test_range_pdf_pages_render(principal_pdf, tmp_path):
    assert principal_pdf.read_bytes().startswith(b"%PDF-")
    pages = pages_as_png(principal_pdf, tmp_path)
    assert 2 <= len(pages) <= 8
    for page in pages:
        # Landscape Letter at 50 dpi is 550 by 425 pixels.
        assert page.size == (550, 425)
        assert 0.005 < ink_share(page) < 0.35
    top = pages[0].crop((0, 0, 550, 60))
    assert ink_share(top) > 0.01
    assert has_colour(pages[0], BAR_BLUE)


def test_range_pdf_text_for_principal(principal_pdf):
    text = pdf_text(principal_pdf)
    assert "Visit log: Alder Creek Elementary" in text
    assert "2026-11-30 to 2026-12-04" in text
    assert "Ines Marlowe-Diaz" in text
    assert "Signed agreement shown" in text
    assert "offense report pending (confidential)" in text
    assert "prepared for Dana Whitfield" in text
    assert "CONFIDENTIAL" in text
    pages = text.count("\f")
    assert f"Page 1 of {pages}" in text


def test_range_pdf_without_sign_in_leaves_out_confidential(week, tmp_path):
    config, _ = week
    out = tmp_path / "anonymous.pdf"
    export(config, out)
    text = pdf_text(out)
    assert "Gideon Marsh" in text
    assert "refer to principal" in text
    assert "offense report" not in text
    assert "CONFIDENTIAL" not in text
    assert "confidential reasons left out" in text


def test_digest_pdf_is_one_page(week, tmp_path, monkeypatch):
    config, _ = week
    out = tmp_path / "digest.pdf"
    monkeypatch.setattr("sys.stdin", io.StringIO(PRINCIPAL_PIN + "\n"))
    status, output = run_kiosk(
        [
            "--config",
            str(config),
            "report",
            "digest",
            "--date",
            str(FRIDAY),
            "--format",
            "pdf",
            "--out",
            str(out),
            "--as",
            "d.whitfield",
            "--pin-stdin",
        ]
    )
    assert status == 0, output
    (page,) = pages_as_png(out, tmp_path)
    assert page.size == (425, 550)
    assert 0.005 < ink_share(page) < 0.35
    text = pdf_text(out)
    assert "Needs your attention" in text
    assert "Tobias Fenwick" in text
    assert "Jonah Whitlock" in text
    assert "Cedar Street Tutors" in text
    assert "Luis Ferreira-Campos" in text


def test_digest_needs_principal(week, tmp_path, monkeypatch, capsys):
    config, _ = week
    monkeypatch.setattr("sys.stdin", io.StringIO(CLERK_PIN + "\n"))
    status, _ = run_kiosk(
        [
            "--config",
            str(config),
            "report",
            "digest",
            "--date",
            str(FRIDAY),
            "--as",
            "c.ortiz",
            "--pin-stdin",
        ]
    )
    assert status == 1
    assert (
        capsys.readouterr()
        .err.strip()
        .endswith(
            "sign-in failed: c.ortiz has the clerk role, "
            "and this command needs a principal"
        )
    )


def test_range_pdf_counts_every_day(rostered_config, tmp_path):
    """A range with quiet days charts them as zero, and one visit is "1 visit"."""
    for instant, badge in (
        ("2026-11-01T06:30:00+00:00", b"OTP-100001"),  # 01:30 CDT on Sunday
        ("2026-11-01T07:10:00+00:00", b"OTP-100001"),  # 01:10 CST, signed out
        ("2026-11-03T15:00:00+00:00", b"OTP-100002"),
    ):
        clock = FixedClock(datetime.fromisoformat(instant))
        run_scan(rostered_config, badge, clock, tmp_path)
    out = tmp_path / "range.pdf"
    status, output = run_kiosk(
        [
            "--config",
            str(rostered_config),
            "report",
            "range",
            "--from",
            "2026-10-31",
            "--to",
            "2026-11-04",
            "--format",
            "pdf",
            "--out",
            str(out),
        ]
    )
    assert status == 0, output
    assert "2 visits" in output
    text = pdf_text(out)
    assert "Visits per day" in text
    for label in ("Sat 31", "Sun 01", "Mon 02", "Tue 03", "Wed 04"):
        assert label in text, label
    assert "Sunday 01 November 2026: 1 visit, 0 refusals, 0 not signed out" in text
    assert "01:30 CDT" in text
    assert "01:10 CST" in text
    assert "1 visits" not in text
