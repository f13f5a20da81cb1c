"""Bad input on the command line: one clear line, never a traceback."""

from __future__ import annotations

import json
import os
import stat

import pytest

from kiosk.clock import FixedClock
from kiosk.services.roster import RosterError, read_roster
from tests.support import ROSTER_DIR, run_kiosk

MORNING = FixedClock.at_local("2026-12-04T08:30", "America/Chicago")


def _error(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err.strip()


def test_config_that_is_a_folder(tmp_path, capsys):
    status, _ = run_kiosk(["--config", str(tmp_path), "report", "day"])
    assert status == 2
    assert (
        _error(capsys)
        == f"kiosk: config error: config file {tmp_path}: is a folder, not a file"
    )


def test_config_that_is_not_utf8(tmp_path, capsys):
    path = tmp_path / "k.toml"
    path.write_bytes(b'[kiosk]\nschool_name = "Caf\xe9"\n')
    status, _ = run_kiosk(["--config", str(path), "report", "day"])
    assert status == 2
    assert "not UTF-8 text (byte 26); save it as UTF-8" in _error(capsys)


def test_config_with_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "k.toml"
    path.write_bytes('\ufeff[kiosk]\nschool = "BRK"\n'.encode())
    from kiosk.config import load_config

    assert load_config(str(path)).kiosk.school == "BRK"


def test_store_url_that_is_not_a_url(make_config, capsys):
    config = make_config(store={"url": "not a url"})
    status, _ = run_kiosk(["--config", str(config), "report", "day"])
    assert status == 1
    assert "[store] url is not a database URL" in _error(capsys)


def test_data_dir_that_cannot_be_created(make_config, capsys):
    config = make_config(kiosk={"data_dir": "/dev/null/kiosk"})
    status, _ = run_kiosk(["--config", str(config), "report", "day"])
    assert status == 1
    assert "cannot create the data folder /dev/null" in _error(capsys)


@pytest.mark.parametrize("zone", ["localtime", "posixrules", "Mars/Olympus"])
def test_time_zone_must_be_a_named_zone(make_config, capsys, zone):
    config = make_config(kiosk={"timezone": zone})
    status, _ = run_kiosk(["--config", str(config), "report", "day"])
    assert status == 2
    assert "expected an IANA time zone" in _error(capsys)


@pytest.mark.parametrize("date", ["9999-12-31", "1899-01-01", "2026-02-30"])
def test_report_date_out_of_range(make_config, capsys, date):
    with pytest.raises(SystemExit) as exit_info:
        run_kiosk(["--config", str(make_config()), "report", "day", "--date", date])
    assert exit_info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_scan_argument_that_is_not_utf8(rostered_config, tmp_path):
    raw = os.fsdecode(b"\xff\xfeOTP")
    status, output = run_kiosk(["--config", str(rostered_config), "scan", raw], MORNING)
    assert status == 0
    assert json.loads(output)["outcome"] == "unreadable"


def test_scan_file_that_never_ends(rostered_config):
    status, output = run_kiosk(
        ["--config", str(rostered_config), "scan", "--file", "/dev/zero"], MORNING
    )
    assert status == 0
    result = json.loads(output)
    assert result["outcome"] == "unreadable"
    assert result["unreadable_reason"] == "too_long"


def test_database_and_logs_are_private(rostered_config, tmp_path):
    run_kiosk(["--config", str(rostered_config), "scan", "OTP-100001"], MORNING)
    for name in ("kiosk.db", "signout.key"):
        mode = stat.S_IMODE((tmp_path / "data" / name).stat().st_mode)
        assert mode & 0o077 == 0, (name, oct(mode))


def _write_people(tmp_path, edit) -> object:
    folder = tmp_path / "roster"
    folder.mkdir(exist_ok=True)
    (folder / "organizations.csv").write_bytes(
        (ROSTER_DIR / "organizations.csv").read_bytes()
    )
    text = (ROSTER_DIR / "people.csv").read_text(encoding="utf-8")
    (folder / "people.csv").write_text(edit(text), encoding="utf-8")
    return folder


def test_huge_csv_field_is_rejected(tmp_path):
    folder = _write_people(
        tmp_path, lambda t: t.replace("Daniel", '"' + "D" * 200_000 + '"')
    )
    with pytest.raises(RosterError) as error:
        read_roster([folder])
    assert str(error.value).startswith(
        "people.csv, line 3: field larger than field limit"
    )


def test_semicolon_csv_is_explained(tmp_path):
    folder = _write_people(tmp_path, lambda t: t.replace(",", ";"))
    with pytest.raises(RosterError) as error:
        read_roster([folder])
    assert "columns are separated by ';'" in str(error.value)


@pytest.mark.parametrize(
    ("code", "what"),
    [
        ("SO1-77", "a sign-out code"),
        ("]C1OTP-1", "the badge 'otp-1' (scanner framing removed)"),
    ],
)
def test_badge_code_that_cannot_scan_as_itself(tmp_path, code, what):
    folder = _write_people(tmp_path, lambda t: t.replace("OTP-100009", code))
    with pytest.raises(RosterError) as error:
        read_roster([folder])
    assert str(error.value) == (
        f"people.csv, line 10, column badge_code: {code!r} would scan as {what}, "
        "not as this badge"
    )


def test_duplicate_json_key_is_rejected(tmp_path):
    text = (ROSTER_DIR / "roster.json").read_text(encoding="utf-8")
    text = text.replace(
        '"offense_report": "pending",',
        '"offense_report": "pending", "offense_report": "none",',
        1,
    )
    path = tmp_path / "roster.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RosterError) as error:
        read_roster([path])
    assert str(error.value) == "people entry 8, column offense_report: duplicate key"


def test_deeply_nested_json_is_rejected(tmp_path):
    path = tmp_path / "roster.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(RosterError) as error:
        read_roster([path])
    assert str(error.value) == "roster.json: invalid JSON: nested too deeply"


def test_root_is_refused_on_another_users_data_folder(make_config, tmp_path, capsys):
    if os.geteuid() != 0:
        pytest.skip("needs root to own a folder as another user")
    config = make_config()
    (tmp_path / "data").mkdir()
    os.chown(tmp_path / "data", 65534, 65534)
    status, _ = run_kiosk(["--config", str(config), "report", "day"])
    assert status == 1
    assert "run this command as that user (sudo -u nobody kiosk ...)" in _error(capsys)
