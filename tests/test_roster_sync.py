"""Roster sync over HTTP, against a real server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func, select

from kiosk.clock import FixedClock
from kiosk.store import Store
from kiosk.store.models import ComponentStatus, Event, Person
from tests.support import ROSTER_DIR, run_kiosk

TOKEN = "fictional-test-token-7f3a"


class DistrictServer(ThreadingHTTPServer):
    """Serves roster files from a dict, with ETags, a bearer token and faults."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), RosterHandler)
        self.files: dict[str, bytes] = {}
        self.requests: list[tuple[str, str | None]] = []
        self.fault: str | None = None
        self.etags = True

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class RosterHandler(BaseHTTPRequestHandler):
    server: DistrictServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.server.requests.append((self.path, self.headers.get("If-None-Match")))
        fault = self.server.fault
        if fault == "slow":
            time.sleep(3)
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            self.send_response(401)
            self.end_headers()
            return
        if fault == "error":
            self.send_response(500)
            self.end_headers()
            return
        body = self.server.files.get(self.path)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        if self.server.etags:
            self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if fault == "trickle":
            # One byte a second: no single read times out.
            for byte in body[:30]:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(1)
            return
        self.wfile.write(body)


@pytest.fixture
def district():
    server = DistrictServer()
    server.files["/roster.json"] = (ROSTER_DIR / "roster.json").read_bytes()
    for name in ("organizations.csv", "people.csv"):
        server.files[f"/export/{name}"] = (ROSTER_DIR / name).read_bytes()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def sync_config(make_config, tmp_path, district):
    token = tmp_path / "token"
    token.write_text(TOKEN + "\n")

    def make(path: str = "/roster.json", **roster):
        return make_config(
            roster={
                "url": district.base + path,
                "token_file": str(token),
                "timeout": 1,
                **roster,
            }
        )

    return make


def _store(tmp_path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'data' / 'kiosk.db'}")


def _people_on_roster(tmp_path) -> int:
    store = _store(tmp_path)
    with store.read() as session:
        count = session.scalar(select(func.count()).where(Person.on_roster.is_(True)))
    store.close()
    return count


CLOCK = FixedClock.at_local("2026-12-04T06:00", "America/Chicago")


def test_sync_imports_the_json_roster(sync_config, tmp_path):
    status, output = run_kiosk(
        ["--config", str(sync_config()), "roster", "sync"], CLOCK
    )
    assert status == 0
    assert output.strip() == "roster import 1: 6 organizations, 18 people"
    assert _people_on_roster(tmp_path) == 18


def test_sync_imports_the_csv_pair_from_a_folder_url(sync_config, tmp_path):
    status, output = run_kiosk(
        ["--config", str(sync_config("/export/")), "roster", "sync"], CLOCK
    )
    assert status == 0
    assert output.strip() == "roster import 1: 6 organizations, 18 people"


def test_unchanged_roster_is_not_imported_again(sync_config, district, tmp_path):
    config = sync_config()
    run_kiosk(["--config", str(config), "roster", "sync"], CLOCK)
    status, output = run_kiosk(["--config", str(config), "roster", "sync"], CLOCK)
    assert status == 0
    assert output.strip() == "roster unchanged"
    assert district.requests[-1][1] is not None  # sent the ETag it was given
    store = _store(tmp_path)
    with store.read() as session:
        imports = session.scalar(
            select(func.count()).where(Event.kind == "roster_import")
        )
        status_row = session.get(
            ComponentStatus,
            (session.scalar(select(ComponentStatus.kiosk_id)), "roster"),
        )
    store.close()
    assert imports == 1
    assert status_row.ok
    assert status_row.detail == "unchanged"


def test_changed_roster_is_imported(sync_config, district, tmp_path):
    config = sync_config()
    run_kiosk(["--config", str(config), "roster", "sync"], CLOCK)
    document = json.loads(district.files["/roster.json"])
    document["people"] = document["people"][:10]
    district.files["/roster.json"] = json.dumps(document).encode()
    status, output = run_kiosk(["--config", str(config), "roster", "sync"], CLOCK)
    assert status == 0
    assert output.strip() == "roster import 2: 6 organizations, 10 people"
    assert _people_on_roster(tmp_path) == 10


@pytest.mark.parametrize(
    ("fault", "settings", "message"),
    [
        ("error", {}, "HTTP 500"),
        ("slow", {}, "no answer within 1 s"),
        (None, {"token_file": "/nonexistent/token"}, "cannot read the token file"),
        (None, {"max_bytes": 1000}, "larger than 1000 bytes"),
    ],
)
def test_failed_sync_keeps_the_roster_in_force(
    sync_config, district, tmp_path, capsys, fault, settings, message
):
    config = sync_config()
    assert (
        run_kiosk(["--config", str(config), "roster", "import", str(ROSTER_DIR)])[0]
        == 0
    )
    document = json.loads(district.files["/roster.json"])
    document["people"] = document["people"][:12]
    district.files["/roster.json"] = json.dumps(document).encode()
    district.fault = fault
    broken = sync_config(**settings)

    status, output = run_kiosk(["--config", str(broken), "roster", "sync"], CLOCK)

    assert status == 1
    assert output == ""
    error = capsys.readouterr().err
    assert "roster sync failed, the roster in force stays" in error
    assert message in error
    assert _people_on_roster(tmp_path) == 18
    store = _store(tmp_path)
    with store.read() as session:
        imports = session.scalar(
            select(func.count()).where(Event.kind == "roster_import")
        )
    store.close()
    assert imports == 1


def test_wrong_token_is_reported(sync_config, tmp_path, capsys):
    (tmp_path / "token").write_text("wrong")
    status, _ = run_kiosk(["--config", str(sync_config()), "roster", "sync"], CLOCK)
    assert status == 1
    assert "HTTP 401: check [roster] token_file" in capsys.readouterr().err


def test_rejected_roster_changes_nothing(sync_config, district, tmp_path, capsys):
    config = sync_config()
    run_kiosk(["--config", str(config), "roster", "sync"], CLOCK)
    document = json.loads(district.files["/roster.json"])
    document["people"][3]["date_of_birth"] = "1985-02-30"
    district.files["/roster.json"] = json.dumps(document).encode()

    status, _ = run_kiosk(["--config", str(config), "roster", "sync"], CLOCK)

    assert status == 1
    assert (
        "people entry 4, column date_of_birth: '1985-02-30' is not a date"
        in capsys.readouterr().err
    )
    assert _people_on_roster(tmp_path) == 18
    store = _store(tmp_path)
    with store.read() as session:
        failures = session.scalars(
            select(Event).where(Event.kind == "roster_sync")
        ).all()
    store.close()
    assert [event.detail for event in failures] == [
        {"ok": True, "changed": True},
        {"ok": False, "reason": "roster_rejected"},
    ]


def test_unreachable_server_is_reported(make_config, capsys):
    config = make_config(roster={"url": "http://127.0.0.1:9/roster.json", "timeout": 1})
    status, _ = run_kiosk(["--config", str(config), "roster", "sync"], CLOCK)
    assert status == 1
    assert "cannot connect" in capsys.readouterr().err


def test_sync_refuses_a_roster_that_drops_most_people(
    sync_config, district, tmp_path, capsys
):
    config = sync_config()
    run_kiosk(["--config", str(config), "roster", "sync"], CLOCK)
    document = json.loads(district.files["/roster.json"])
    document["people"] = document["people"][:3]
    district.files["/roster.json"] = json.dumps(document).encode()

    status, _ = run_kiosk(["--config", str(config), "roster", "sync"], CLOCK)

    assert status == 1
    assert "would take 15 of 18 people off the roster" in capsys.readouterr().err
    assert _people_on_roster(tmp_path) == 18


def test_sync_without_url_says_how_to_set_it(make_config, capsys):
    status, _ = run_kiosk(["--config", str(make_config()), "roster", "sync"], CLOCK)
    assert status == 1
    assert "no roster URL: set [roster] url" in capsys.readouterr().err


def test_same_roster_without_etag_is_not_imported_again(
    sync_config, district, tmp_path
):
    district.etags = False
    config = sync_config()
    run_kiosk(["--config", str(config), "roster", "sync"], CLOCK)
    status, output = run_kiosk(["--config", str(config), "roster", "sync"], CLOCK)
    assert status == 0
    assert output.strip() == "roster unchanged"
    assert district.requests[-1][1] is None  # no ETag to send


def test_trickling_server_times_out_as_a_whole(sync_config, district, capsys):
    district.fault = "trickle"
    started = time.monotonic()
    status, _ = run_kiosk(
        ["--config", str(sync_config(timeout=2)), "roster", "sync"], CLOCK
    )
    assert status == 1
    assert time.monotonic() - started < 10
    assert "not complete within 2 s" in capsys.readouterr().err
