"""Settings: defaults, where the file is found, strict checking."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from kiosk.config import Config, ConfigError, load_config, parse_config
from tests.support import REPO, run_kiosk


def test_no_file_means_defaults(monkeypatch, tmp_path):
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    monkeypatch.setattr("kiosk.config.DEFAULT_CONFIG_PATH", tmp_path / "absent.toml")
    config = load_config(None)
    assert config == Config()
    assert config.kiosk.timezone == "America/Chicago"
    assert config.printer.connection == "file"
    assert config.store_url.startswith("sqlite:///")


def test_example_file_is_valid_and_matches_defaults():
    example = load_config(str(REPO / "config" / "kiosk.toml"))
    assert example.source is not None
    defaults = Config()
    for field in dataclasses.fields(Config):
        if field.name != "source":
            section = field.name
            assert getattr(example, section) == getattr(defaults, section), section


def test_environment_variable_names_the_file(monkeypatch, tmp_path):
    path = tmp_path / "k.toml"
    path.write_text('[kiosk]\nschool = "BRK"\n')
    monkeypatch.setenv("KIOSK_CONFIG", str(path))
    assert load_config(None).kiosk.school == "BRK"


def test_explicit_path_wins_over_environment(monkeypatch, tmp_path):
    (tmp_path / "env.toml").write_text('[kiosk]\nschool = "BRK"\n')
    (tmp_path / "cli.toml").write_text('[kiosk]\nschool = "CHS"\n')
    monkeypatch.setenv("KIOSK_CONFIG", str(tmp_path / "env.toml"))
    assert load_config(str(tmp_path / "cli.toml")).kiosk.school == "CHS"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"printer": {"connection": "bluetooth"}},
            "[printer] connection = 'bluetooth': expected one of 'file', 'network', "
            "'usb', 'serial', 'none'",
        ),
        (
            {"kiosk": {"timezone": "America/Chicagoo"}},
            "[kiosk] timezone = 'America/Chicagoo': expected an IANA time zone",
        ),
        (
            {"printer": {"port": 70000}},
            "[printer] port = 70000: expected 1 to 65535",
        ),
        (
            {"printer": {"port": "9100"}},
            "[printer] port = '9100': expected a whole number",
        ),
        (
            {"printer": {"connection": "network"}},
            "[printer] host = '': expected the printer's host name or address when "
            "connection = 'network'",
        ),
        (
            {"kiosk": {"school": "A L D"}},
            "[kiosk] school = 'A L D': expected 1 to 16 letters, digits, '-' or '_'",
        ),
    ],
)
def test_bad_setting_gives_one_line(data, message):
    with pytest.raises(ConfigError) as error:
        parse_config(data)
    assert error.value.problems == [message]


@pytest.mark.parametrize(
    ("data", "start"),
    [
        (
            {"kiosk": {"shcool": "ALD"}},
            "[kiosk]: unknown key 'shcool' (did you mean 'school'?); allowed: school, ",
        ),
        (
            {"printr": {}},
            "section: unknown key 'printr' (did you mean 'printer'?); allowed: kiosk, ",
        ),
    ],
)
def test_unknown_key_suggests_the_close_one(data, start):
    with pytest.raises(ConfigError) as error:
        parse_config(data)
    assert len(error.value.problems) == 1
    assert error.value.problems[0].startswith(start)


def test_every_problem_is_reported():
    with pytest.raises(ConfigError) as error:
        parse_config({"kiosk": {"language": "fr"}, "scanner": {"kind": "laser"}})
    assert len(error.value.problems) == 2


def test_bad_file_stops_start_up(tmp_path, capsys):
    path = tmp_path / "k.toml"
    path.write_text('[printer]\nconnection = "bluetooth"\n')
    status, output = run_kiosk(["--config", str(path), "report", "day"])
    assert status == 2
    assert output == ""
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "kiosk: config error: [printer] connection = 'bluetooth': expected one of "
        "'file', 'network', 'usb', 'serial', 'none'"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[kiosk\n", "invalid TOML"),
        (None, "not found"),
    ],
)
def test_unreadable_file_is_named(tmp_path, text, message):
    path = tmp_path / "k.toml"
    if text is not None:
        path.write_text(text)
    with pytest.raises(ConfigError) as error:
        load_config(str(path))
    assert str(error.value).startswith(f"config file {path}: {message}")


def test_importing_kiosk_creates_no_files(tmp_path):
    import subprocess
    import sys

    completed = subprocess.run(
        [sys.executable, "-c", "import kiosk.cli, kiosk.config, kiosk.store"],
        cwd=tmp_path,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        check=True,
    )
    assert completed.stderr == b""
    assert list(Path(tmp_path).iterdir()) == []
