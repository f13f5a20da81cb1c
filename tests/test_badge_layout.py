"""Badge layout: every line fits the paper, text goes out the way the printer
can print it, and each weekday has its own cue."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from kiosk.badges import fonts
from kiosk.badges.capabilities import capabilities_for
from kiosk.badges.cues import DAY_CUES, day_cue, draw_cue
from kiosk.badges.layout import (
    FONT_A_WIDTH_DOTS,
    IMAGE_TEXT_MARGIN,
    Badge,
    Code,
    Picture,
    Text,
    badge_date,
    badge_elements,
    badge_time,
    fit_text,
    wrap_measured,
)
from tests.badge_support import still_photo

CHICAGO = ZoneInfo("America/Chicago")
FRIDAY = datetime(2026, 12, 4, 8, 30, tzinfo=CHICAGO)

NAMES = [
    "Tom Lee",
    "María José Núñez-García",
    "Daniel O'Connor",
    "Daniel O\u2019Connor",
    "Christopher Montgomery-Fitzgerald-Whitmore",
    "Wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaftschaferswessen",
    "Ирина Петровна Соколова",
    "王小明",
    "محمد عبد الله",
    "Nguyễn Thị Minh Khai",
    "E\u0301lodie Tremblay",
]
PRINTERS = [
    ("default", 80),
    ("default", 58),
    ("simple", 80),
    ("simple", 58),
    ("TM-T88V", 80),
]


def badge(name: str = "María José Núñez-García", **extra) -> Badge:
    details = {
        "school_name": "Aldridge Elementary School",
        "banner": "PARTNER",
        "name": name,
        "organization": "Reading Buddies Collective",
        "signed_in_at": FRIDAY,
        "sign_out_code": "SO1-12-ABCDEFGHIJKLM",
    }
    details.update(extra)
    return Badge(**details)


def line_width(element: Text, line: str) -> int:
    if element.as_image:
        return fonts.text_width(line, element.font_size) + 2 * IMAGE_TEXT_MARGIN
    return len(line) * FONT_A_WIDTH_DOTS * element.width


@pytest.mark.parametrize(("profile", "paper"), PRINTERS)
@pytest.mark.parametrize("name", NAMES)
def test_every_line_fits_paper(profile, paper, name):
    caps = capabilities_for(profile, paper)
    for symbology in ("qr", "code128"):
        elements = badge_elements(
            badge(name, destination="Library", photo=still_photo()), caps, symbology
        )
        for element in elements:
            if isinstance(element, Text):
                for line in element.lines:
                    assert line_width(element, line) <= caps.paper_dots, line
            elif isinstance(element, Picture):
                assert element.image.width <= caps.paper_dots
            elif isinstance(element, Code):
                assert element.image().width <= caps.paper_dots


@pytest.mark.parametrize(("profile", "paper"), PRINTERS)
@pytest.mark.parametrize("name", NAMES)
def test_name_keeps_every_letter(profile, paper, name):
    caps = capabilities_for(profile, paper)
    text = fit_text(name, caps, [(3, 3), (2, 2), (1, 1)])
    printed = "".join(text.lines).replace(" ", "")
    expected = "".join(name.split()).replace("\u2019", "'")
    assert printed == unicodedata.normalize("NFC", expected)


def test_long_name_wraps_before_shrinking():
    caps = capabilities_for("default", 58)
    elements = badge_elements(
        badge("Christopher Montgomery-Fitzgerald-Whitmore"), caps, "qr"
    )
    name = elements[3]
    assert isinstance(name, Text)
    assert name.height >= 2
    assert len(name.lines) <= 3


def test_short_name_prints_largest():
    elements = badge_elements(badge("Tom Lee"), capabilities_for("default", 80), "qr")
    name = elements[3]
    assert isinstance(name, Text)
    assert (name.width, name.height) == (3, 3)
    assert name.lines == ("Tom Lee",)


@pytest.mark.parametrize(
    ("profile", "name", "as_image"),
    [
        ("default", "María José Núñez-García", False),
        ("simple", "María José Núñez-García", False),
        ("simple", "Daniel O\u2019Connor", False),
        ("default", "Ирина Соколова", False),
        ("simple", "Ирина Соколова", True),
        ("default", "王小明", True),
        ("default", "محمد عبد الله", True),
        ("simple", "Νίκος Παπαδόπουλος", True),
        ("default", "Νίκος Παπαδόπουλος", False),
    ],
)
def test_text_uses_code_page_or_picture(profile, name, as_image):
    text = fit_text(name, capabilities_for(profile, 80), [(2, 2)])
    assert text.as_image is as_image


def test_typographic_apostrophe_prints_as_ascii():
    text = fit_text("Daniel O\u2019Connor", capabilities_for("simple", 80), [(2, 2)])
    assert text.lines == ("Daniel O'Connor",)


def test_wrap_breaks_cjk_between_characters():
    lines = wrap_measured("王小明王小明", lambda line: len(line) <= 4)
    assert lines == ["王小明王", "小明"]


def test_wrap_breaks_at_hyphen_then_inside_word():
    lines = wrap_measured("Montgomery-Fitzgerald", lambda line: len(line) <= 12)
    assert lines == ["Montgomery-", "Fitzgerald"]
    assert wrap_measured("ABCDEFGHIJ", lambda line: len(line) <= 4) == [
        "ABCD",
        "EFGH",
        "IJ",
    ]


def test_dates_are_locale_free():
    assert badge_date(date(2026, 12, 4)) == "FRI 04 DEC 2026"
    assert badge_time(FRIDAY) == "8:30 AM"
    assert badge_time(FRIDAY.replace(hour=0, minute=5)) == "12:05 AM"
    assert badge_time(FRIDAY.replace(hour=13, minute=5)) == "1:05 PM"


def test_badge_states_day_and_validity():
    elements = badge_elements(badge(), capabilities_for("default", 80), "qr")
    lines = [line for e in elements if isinstance(e, Text) for line in e.lines]
    assert "IN 8:30 AM  FRI 04 DEC 2026" in lines
    assert "VALID FRI 04 DEC 2026 ONLY" in lines
    assert not any("REPRINT" in line for line in lines)
    reprinted = badge_elements(
        badge(reprint=True), capabilities_for("default", 80), "qr"
    )
    assert any(
        "REPRINT" in line for e in reprinted if isinstance(e, Text) for line in e.lines
    )


def test_destination_printed_when_set():
    caps = capabilities_for("default", 80)
    with_room = badge_elements(badge(destination="Room 112"), caps, "qr")
    without = badge_elements(badge(), caps, "qr")
    assert any(isinstance(e, Text) and e.lines == ("TO: Room 112",) for e in with_room)
    assert len(with_room) == len(without) + 1


def test_each_weekday_has_own_cue():
    assert [day_cue(date(2026, 11, 30) + timedelta(days=n)).name for n in range(7)] == [
        cue.name for cue in DAY_CUES
    ]
    assert len({cue.shape for cue in DAY_CUES}) == 7
    assert len({cue.letters for cue in DAY_CUES}) == 7
    drawn = [np.asarray(draw_cue(cue, 160)) for cue in DAY_CUES]
    for first in range(7):
        for second in range(first + 1, 7):
            differing = (drawn[first] != drawn[second]).mean()
            assert differing > 0.05, (DAY_CUES[first].name, DAY_CUES[second].name)


def test_cue_is_black_and_white_and_mostly_black():
    for cue in DAY_CUES:
        pixels = np.asarray(draw_cue(cue, 160))
        assert set(np.unique(pixels)) <= {0, 255}
        assert 0.2 < (pixels == 0).mean() < 0.95, cue.name


@pytest.mark.parametrize(
    ("profile", "paper", "native", "rotate"),
    [
        ("default", 80, True, False),
        ("simple", 80, False, False),
        ("default", 58, False, True),
        ("simple", 58, False, True),
    ],
)
def test_code128_native_or_rotated(profile, paper, native, rotate):
    elements = badge_elements(badge(), capabilities_for(profile, paper), "code128")
    code = next(e for e in elements if isinstance(e, Code))
    assert (code.native, code.rotate) == (native, rotate)


def test_long_code128_turns_on_wide_paper():
    long_code = badge(sign_out_code="SO1-123456789-ABCDEFGHIJKLM")
    elements = badge_elements(long_code, capabilities_for("default", 80), "code128")
    code = next(e for e in elements if isinstance(e, Code))
    assert code.rotate
    assert not code.native


def test_four_digit_visit_code128_fits_across():
    four_digits = badge(sign_out_code="SO1-1024-5N3KJHKNA5OIC")
    elements = badge_elements(four_digits, capabilities_for("simple", 80), "code128")
    code = next(e for e in elements if isinstance(e, Code))
    assert not code.rotate
    assert code.image().width <= 576


def test_qr_native_when_profile_draws_it():
    for profile, native in (("default", True), ("simple", False), ("POS-5890", False)):
        elements = badge_elements(badge(), capabilities_for(profile, 58), "qr")
        code = next(e for e in elements if isinstance(e, Code))
        assert code.native is native, profile


def test_profile_width_wins_when_narrower():
    assert capabilities_for("TM-T88V", 80).paper_dots == 512
    assert capabilities_for("TM-T20II", 80).paper_dots == 576
    assert capabilities_for("default", 58).paper_dots == 384
