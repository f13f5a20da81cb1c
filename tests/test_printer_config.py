"""Settings for badge printers, the fallback printer and destinations."""

from __future__ import annotations

import tomllib

import pytest

from kiosk.config import ConfigError, parse_config
from tests.support import REPO


def problems(data: dict) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        parse_config(data)
    return raised.value.problems


def test_shipped_settings_file_parses():
    with (REPO / "config" / "kiosk.toml").open("rb") as handle:
        config = parse_config(tomllib.load(handle))
    assert config.printer.status_check
    assert config.printer_fallback.connection == "none"
    assert config.kiosk.destinations == ()


def test_fallback_section_takes_printer_keys():
    config = parse_config(
        {
            "printer_fallback": {
                "connection": "network",
                "host": "10.0.0.9",
                "paper_width": 58,
                "location": "the main office",
            }
        }
    )
    assert config.printer_fallback.paper_width == 58
    assert config.printer_fallback.location == "the main office"
    assert config.fallback_badge_dir.name == "badges-fallback"


def test_bad_printer_values_are_named():
    found = problems(
        {
            "printer": {"profile": "TM-NOPE", "status_check": "yes"},
            "printer_fallback": {"connection": "usb"},
        }
    )
    assert found[0].startswith("[printer] profile = 'TM-NOPE': expected")
    assert found[1] == "[printer] status_check = 'yes': expected true or false"
    assert found[2].startswith("[printer_fallback] usb_vendor = 0: expected")


def test_destinations_list_checked():
    config = parse_config({"kiosk": {"destinations": ["Library", "Room 112"]}})
    assert config.kiosk.destinations == ("Library", "Room 112")
    assert problems({"kiosk": {"destinations": "Library"}}) == [
        "[kiosk] destinations = 'Library': expected a list of strings"
    ]
    assert problems({"kiosk": {"destinations": [str(n) for n in range(10)]}}) == [
        "[kiosk] destinations = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']: "
        "expected at most 9 places, each 1 to 60 characters"
    ]
