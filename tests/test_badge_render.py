"""Rendered badge jobs decoded back with an independent ESC/POS parser (npos):
the text, the pictures and the codes the printer would print."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from kiosk.badges.capabilities import capabilities_for
from kiosk.badges.escpos_render import render_escpos, text_image
from kiosk.badges.layout import NAME_PLACEHOLDER, Badge, Text, badge_elements
from kiosk.badges.preview import render_preview
from tests.escpos_decode import decode_job
from tests.support import PUBLIC

FRIDAY = datetime(2026, 12, 4, 8, 30, tzinfo=ZoneInfo("America/Chicago"))
CODE = "SO1-12-ABCDEFGHIJKLM"


def render(name: str, profile: str, paper: int, symbology: str = "qr", **extra):
    caps = capabilities_for(profile, paper)
    elements = badge_elements(
        Badge(
            "Aldridge Elementary School",
            extra.pop("banner", "PARTNER"),
            name,
            "Faith & Family Outreach",
            FRIDAY,
            extra.pop("code", CODE),
            **extra,
        ),
        caps,
        symbology,
    )
    return elements, decode_job(render_escpos(elements, caps), profile)


@pytest.mark.parametrize("profile", ["default", "simple"])
@pytest.mark.parametrize("name", ["María José Núñez-García", "Élodie Tremblay"])
def test_accented_name_decodes_through_code_page(profile, name):
    _, decoded = render(name, profile, 80)
    assert name in " ".join(decoded.lines())
    assert "?" not in decoded.text


def test_apostrophe_and_ampersand_decode():
    _, decoded = render("Daniel O\u2019Connor", "simple", 58)
    assert "Daniel O'Connor" in decoded.lines()
    assert "Faith & Family Outreach" in decoded.lines()


def test_cyrillic_uses_code_page_on_default_profile():
    _, decoded = render("Ирина Соколова", "default", 80)
    assert "Ирина Соколова" in decoded.lines()
    name = next(item for item in decoded.texts if "Ирина" in item["text"])
    assert name["codePage"] == 17  # CP866 in python-escpos's default profile


@pytest.mark.parametrize(
    ("profile", "name"),
    [("simple", "Ирина Соколова"), ("default", "王小明"), ("default", "محمد عبد الله")],
)
def test_name_without_code_page_prints_as_picture(profile, name):
    elements, decoded = render(name, profile, 80)
    element = elements[3]
    assert isinstance(element, Text)
    assert element.as_image
    assert name.split()[0] not in decoded.text
    expected = np.asarray(text_image(element, 576).convert("1").convert("L"))
    pictures = [r for r in decoded.rasters if r.shape == expected.shape]
    assert pictures, [r.shape for r in decoded.rasters]
    assert (pictures[0] == expected).all()
    assert (pictures[0] == 0).sum() > 200


def test_badge_lines_in_order():
    _, decoded = render("Tom Lee", "default", 80, destination="Library")
    lines = [line.strip() for line in decoded.lines()]
    assert lines == [
        "Aldridge Elementary School",
        "PARTNER",
        "Tom Lee",
        "Faith & Family Outreach",
        "TO: Library",
        "IN 8:30 AM  FRI 04 DEC 2026",
        "VALID FRI 04 DEC 2026 ONLY",
        CODE,
        "Scan at the kiosk to sign out",
    ]
    banner = next(item for item in decoded.texts if "PARTNER" in item["text"])
    assert banner["invert"]
    assert (banner["width"], banner["height"]) == (3, 2)
    name = next(item for item in decoded.texts if "Tom Lee" in item["text"])
    assert (name["width"], name["height"]) == (3, 3)
    assert decoded.cuts == 1


def test_visitor_and_reprint_banners():
    _, decoded = render("Tom Lee", "default", 58, banner="VISITOR", reprint=True)
    banners = [
        i["text"].strip() for i in decoded.texts if i["invert"] and i["text"].strip()
    ]
    assert banners == ["VISITOR", "REPRINT"]


@pytest.mark.parametrize("paper", [80, 58])
def test_native_qr_payload(paper):
    _, decoded = render("Tom Lee", "default", paper)
    assert [code["data"] for code in decoded.native_codes] == [CODE]
    assert decoded.native_codes[0]["ec"] == "M"


@pytest.mark.parametrize("paper", [80, 58])
def test_raster_qr_reads_back(paper):
    _, decoded = render("Tom Lee", "simple", paper)
    assert decoded.native_codes == []
    assert decoded.barcodes() == [("QRCode", CODE)]
    assert all(
        raster.shape[1] <= {80: 576, 58: 384}[paper] for raster in decoded.rasters
    )


def test_native_code128_payload():
    _, decoded = render("Tom Lee", "default", 80, "code128")
    assert decoded.native_codes == [
        {"type": "barcode_native", "system": 73, "data": "{B" + CODE}
    ]


@pytest.mark.parametrize(
    ("profile", "paper"), [("simple", 80), ("simple", 58), ("default", 58)]
)
def test_raster_code128_reads_back(profile, paper):
    _, decoded = render("Tom Lee", profile, paper, "code128")
    assert decoded.barcodes() == [("Code128", CODE)]


def test_long_code128_reads_back_rotated():
    code = "SO1-123456789-ABCDEFGHIJKLM"
    _, decoded = render("Tom Lee", "default", 80, "code128", code=code)
    assert decoded.barcodes() == [("Code128", code)]
    tallest = max(decoded.rasters, key=lambda raster: raster.shape[0])
    assert tallest.shape[0] > tallest.shape[1] or tallest.shape[1] == 576


def test_decoder_reads_a_foreign_receipt():
    job = (PUBLIC / "escpos" / "escpos-tools" / "receipt-with-logo.bin").read_bytes()
    decoded = decode_job(job)
    assert "ExampleMart Ltd." in decoded.lines()
    assert "SALES INVOICE" in decoded.lines()
    assert decoded.cuts == 1


UNCOVERED_NAMES = {
    "emoji": ("Ana \U0001f389 Ruiz", "Ana Ruiz"),
    "cjk": ("李小龙 \U0001f389", "李小龙"),
    "arabic": ("ليلى حداد \U0001f680", "ليلى حداد"),
    "combining": ("Ana\u0301\u0302 Ruiz \U0001f389", "Ana\u0301\u0302 Ruiz"),
    "family_emoji": ("\U0001f469\u200d\U0001f469\u200d\U0001f467 Family", "Family"),
}


@pytest.mark.parametrize("paper", [80, 58])
@pytest.mark.parametrize("case", sorted(UNCOVERED_NAMES))
def test_name_drops_characters_without_glyph(case, paper):
    name, expected_text = UNCOVERED_NAMES[case]
    elements, decoded = render(name, "default", paper)

    line = elements[3]
    assert isinstance(line, Text)
    assert line.as_image
    printed = " ".join(line.lines).replace("\u200d", "").strip()
    assert printed == unicodedata.normalize("NFC", expected_text)
    dots = {80: 576, 58: 384}[paper]
    expected = np.asarray(text_image(line, dots).convert("1").convert("L"))
    pictures = [r for r in decoded.rasters if r.shape == expected.shape]
    assert pictures, [r.shape for r in decoded.rasters]
    assert (pictures[0] == expected).all()
    assert (pictures[0] == 0).sum() > 200


def test_emoji_only_name_prints_placeholder():
    elements, decoded = render("\U0001f389\U0001f680\u200d\U0001f388", "default", 80)

    line = elements[3]
    assert isinstance(line, Text)
    assert line.lines == (NAME_PLACEHOLDER,)
    assert NAME_PLACEHOLDER in decoded.lines()


def test_emoji_name_preview_is_not_blank():
    caps = capabilities_for("default", 80)
    name_only = [
        element
        for element in badge_elements(
            Badge("School", "VISITOR", "Ana \U0001f389 Ruiz", "", FRIDAY, CODE),
            caps,
            "qr",
        )
        if isinstance(element, Text) and element.as_image
    ]
    assert name_only

    preview = np.array(render_preview(name_only, caps.paper_dots).convert("L"))

    assert (preview < 128).sum() > 0
