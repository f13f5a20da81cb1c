"""Signed sign-out codes: the key file, and forged codes refused by `kiosk scan`."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from kiosk.clock import FixedClock
from kiosk.services.signout import SignOutKey, SignOutKeyError
from kiosk.store import Store
from kiosk.store.models import Visit
from tests.support import REPO, ROSTER_DIR, run_kiosk, run_scan

MORNING = FixedClock.at_local("2026-12-04T08:30", "America/Chicago")
NOON = FixedClock.at_local("2026-12-04T12:00", "America/Chicago")
AFTERNOON = FixedClock.at_local("2026-12-04T15:00", "America/Chicago")


def _import_roster(config: Path) -> None:
    status, output = run_kiosk(
        ["--config", str(config), "roster", "import", str(ROSTER_DIR)]
    )
    assert status == 0, output


def _visit(url: str, visit_id: int) -> tuple[str | None, bool]:
    store = Store(url)
    try:
        with store.read() as session:
            visit = session.get(Visit, visit_id)
            assert visit is not None
            return visit.sign_out_method, visit.signed_out_at is not None
    finally:
        store.close()


def _sqlite(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'data' / 'kiosk.db'}"


def test_key_file_created_private(rostered_config, tmp_path):
    run_scan(rostered_config, b"OTP-100001", MORNING, tmp_path)
    key_file = tmp_path / "data" / "signout.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(bytes.fromhex(key_file.read_text().strip())) == 32
    assert not key_file.resolve().is_relative_to(REPO)


def test_key_file_kept_across_runs(tmp_path):
    first = SignOutKey.load_or_create(tmp_path / "k" / "signout.key")
    second = SignOutKey.load_or_create(tmp_path / "k" / "signout.key")
    assert first.code_for(41) == second.code_for(41)


def test_new_key_gives_other_codes(tmp_path):
    one = SignOutKey.load_or_create(tmp_path / "one.key")
    other = SignOutKey.load_or_create(tmp_path / "other.key")
    assert one.code_for(41) != other.code_for(41)
    assert other.verify(one.code_for(41)) is None


def test_key_repr_hides_secret(tmp_path):
    key_file = tmp_path / "signout.key"
    key = SignOutKey.load_or_create(key_file)
    assert key_file.read_text().strip() not in repr(key)


def test_open_key_file_rejected(tmp_path):
    key_file = tmp_path / "signout.key"
    SignOutKey.load_or_create(key_file)
    key_file.chmod(0o644)
    with pytest.raises(SignOutKeyError, match="chmod 600"):
        SignOutKey.load_or_create(key_file)


def test_damaged_key_file_rejected(tmp_path):
    key_file = tmp_path / "signout.key"
    key_file.write_text("not a key\n")
    key_file.chmod(0o600)
    with pytest.raises(SignOutKeyError, match="does not hold a key"):
        SignOutKey.load_or_create(key_file)


def test_damaged_key_file_stops_scan(rostered_config, tmp_path, capsys):
    key_file = tmp_path / "data" / "signout.key"
    key_file.write_text("0123\n")
    key_file.chmod(0o600)
    payload = tmp_path / "payload.bin"
    payload.write_bytes(b"OTP-100001")
    status, output = run_kiosk(
        ["--config", str(rostered_config), "scan", "--file", str(payload)], MORNING
    )
    assert status != 0
    assert output == ""
    error = capsys.readouterr().err
    assert f"sign-out key file {key_file} does not hold a key" in error
    assert "Traceback" not in error


def test_genuine_code_signs_out(rostered_config, tmp_path):
    signed_in = run_scan(rostered_config, b"OTP-100001", MORNING, tmp_path)
    code = signed_in["sign_out_code"]
    assert code.startswith("SO1-")

    signed_out = run_scan(rostered_config, f"{code}\r\n".encode(), NOON, tmp_path)
    assert signed_out["outcome"] == "signed_out"
    assert signed_out["visit_id"] == signed_in["visit_id"]
    assert _visit(_sqlite(tmp_path), signed_in["visit_id"]) == ("code", True)

    again = run_scan(rostered_config, code.lower().encode(), AFTERNOON, tmp_path)
    assert again["outcome"] == "signed_out"
    assert again["notices"] == ["already_signed_out"]


def _forgeries(code: str) -> dict[str, str]:
    prefix, visit_id, tag = code.split("-")
    other_tag = ("A" if tag[0] != "A" else "B") + tag[1:]
    return {
        "made up": "SO1-1-ABCDEFGHIJKLM",
        "edited tag": f"{prefix}-{visit_id}-{other_tag}",
        "other visit": f"{prefix}-{int(visit_id) + 1}-{tag}",
        "shortened tag": f"{prefix}-{visit_id}-{tag[:-1]}",
        "extra text": f"{code}X",
        "no tag": f"{prefix}-{visit_id}",
    }


def test_forged_codes_refused(rostered_config, tmp_path):
    first = run_scan(rostered_config, b"OTP-100001", MORNING, tmp_path)
    second = run_scan(rostered_config, b"OTP-100002", MORNING, tmp_path)
    assert second["visit_id"] == first["visit_id"] + 1

    for label, forged in _forgeries(first["sign_out_code"]).items():
        result = run_scan(rostered_config, forged.encode(), NOON, tmp_path)
        assert result["outcome"] == "denied", label
        assert result["reasons"] == ["invalid_sign_out_code"], label
        assert result["visit_id"] is None, label

    url = _sqlite(tmp_path)
    assert _visit(url, first["visit_id"]) == (None, False)
    assert _visit(url, second["visit_id"]) == (None, False)


def test_code_from_other_key_refused(rostered_config, tmp_path):
    visit = run_scan(rostered_config, b"OTP-100001", MORNING, tmp_path)
    stranger = SignOutKey.load_or_create(tmp_path / "stranger.key")
    forged = stranger.code_for(visit["visit_id"])

    result = run_scan(rostered_config, forged.encode(), NOON, tmp_path)

    assert result["reasons"] == ["invalid_sign_out_code"]
    assert _visit(_sqlite(tmp_path), visit["visit_id"]) == (None, False)


def test_code_for_denied_visit_refused(rostered_config, tmp_path):
    refused = run_scan(rostered_config, b"OTP-100003", MORNING, tmp_path)
    assert refused["outcome"] == "denied"
    key = SignOutKey.load_or_create(tmp_path / "data" / "signout.key")

    result = run_scan(
        rostered_config, key.code_for(refused["visit_id"]).encode(), NOON, tmp_path
    )

    assert result["reasons"] == ["invalid_sign_out_code"]


def _two_kiosks(make_config, tmp_path: Path, store_url: str, shared_key: bool):
    """Settings for two kiosks at one school on one database, each with its
    own data directory; with ``shared_key`` both name one key file."""
    configs = []
    for name in ("front-1", "front-2"):
        kiosk: dict[str, object] = {
            "kiosk_id": name,
            "data_dir": str(tmp_path / name),
        }
        if shared_key:
            kiosk["signout_key_file"] = str(tmp_path / "district" / "signout.key")
        configs.append(make_config(kiosk=kiosk, store={"url": store_url}))
    return configs


def _badge_signs_out_elsewhere(make_config, tmp_path, store_url, shared_key):
    printed_at, scanned_at = _two_kiosks(make_config, tmp_path, store_url, shared_key)
    _import_roster(printed_at)
    signed_in = run_scan(printed_at, b"OTP-100001", MORNING, tmp_path)
    assert signed_in["outcome"] == "signed_in"
    return run_scan(scanned_at, signed_in["sign_out_code"].encode(), NOON, tmp_path)


def test_shared_key_signs_out_at_other_kiosk(make_config, tmp_path):
    url = f"sqlite:///{tmp_path / 'district.db'}"
    result = _badge_signs_out_elsewhere(make_config, tmp_path, url, shared_key=True)
    assert result["outcome"] == "signed_out"
    assert stat.S_IMODE((tmp_path / "district" / "signout.key").stat().st_mode) == 0o600
    assert not (tmp_path / "front-1" / "signout.key").exists()


def test_separate_keys_refuse_other_kiosk_code(make_config, tmp_path):
    url = f"sqlite:///{tmp_path / 'district.db'}"
    result = _badge_signs_out_elsewhere(make_config, tmp_path, url, shared_key=False)
    assert result["outcome"] == "denied"
    assert result["reasons"] == ["invalid_sign_out_code"]


@pytest.mark.postgres
def test_shared_key_on_postgresql(make_config, tmp_path, pg_url):
    result = _badge_signs_out_elsewhere(make_config, tmp_path, pg_url, shared_key=True)
    assert result["outcome"] == "signed_out"
