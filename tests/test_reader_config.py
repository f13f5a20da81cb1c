"""The [scanner] and [camera] settings, and the reader each kind builds."""

from __future__ import annotations

import pytest

from drivers.scanner.camera import CameraReader
from drivers.scanner.serial_reader import SerialReader
from kiosk.assembly import camera_settings, open_reader
from kiosk.config import (
    CameraSection,
    ConfigError,
    ScannerSection,
    load_config,
    parse_config,
)
from tests.support import REPO


def test_shipped_settings_file_matches_defaults():
    config = load_config(str(REPO / "config" / "kiosk.toml"))

    assert config.scanner == ScannerSection()
    assert config.camera == CameraSection()


@pytest.mark.parametrize(
    ("section", "key", "value", "message"),
    [
        (
            "scanner",
            "stx_etx",
            "yes",
            "[scanner] stx_etx = 'yes': expected true or false",
        ),
        (
            "scanner",
            "terminator",
            "etx",
            "[scanner] terminator = 'etx': expected one of",
        ),
        (
            "scanner",
            "serial_format",
            "9N1",
            "[scanner] serial_format = '9N1': expected",
        ),
        (
            "scanner",
            "idle_gap_ms",
            1.0,
            "[scanner] idle_gap_ms = 1.0: expected 5 to 2000",
        ),
        ("camera", "decoder", "zbar", "[camera] decoder = 'zbar': expected one of"),
        ("camera", "width", 100, "[camera] width = 100: expected 320 to 4096"),
    ],
)
def test_bad_reader_setting_is_named(section, key, value, message):
    with pytest.raises(ConfigError) as caught:
        parse_config({section: {key: value}})

    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].startswith(message)


def test_partial_timeout_must_exceed_idle_gap():
    with pytest.raises(ConfigError) as caught:
        parse_config({"scanner": {"idle_gap_ms": 500, "partial_timeout_ms": 400}})

    assert caught.value.problems == [
        "[scanner] partial_timeout_ms = 400.0: expected more than idle_gap_ms (500.0)"
    ]


def test_bool_setting_is_read():
    config = parse_config({"scanner": {"stx_etx": True, "terminator": "none"}})

    assert config.scanner.stx_etx is True
    assert config.scanner.terminator == "none"


def test_each_kind_builds_its_reader(tmp_path):
    serial = parse_config({"scanner": {"kind": "serial", "port": "/dev/barcode"}})
    camera = parse_config(
        {"scanner": {"kind": "camera"}, "camera": {"source": str(tmp_path / "a.avi")}}
    )
    wedge = parse_config({"scanner": {"kind": "wedge"}})

    serial_reader = open_reader(serial, print)
    camera_reader = open_reader(camera, print)

    assert isinstance(serial_reader, SerialReader)
    assert serial_reader.port == "/dev/barcode"
    assert isinstance(camera_reader, CameraReader)
    assert camera_reader.source.target == str(tmp_path / "a.avi")
    assert open_reader(wedge, print) is None


def test_camera_settings_follow_config():
    config = parse_config({"camera": {"gone_seconds": 2.5, "decoder": "pyzbar"}})

    settings = camera_settings(config.camera)

    assert settings.gone_seconds == 2.5
    assert settings.decoder == "pyzbar"
    assert (settings.width, settings.height) == (1280, 720)
