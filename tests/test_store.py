"""The store: migrations match the models, SQLite locking, PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select, text

from kiosk.clock import FixedClock
from kiosk.store import Store
from kiosk.store.events import EventSource, append_event, event_hash
from kiosk.store.models import Base, Event
from tests.support import ROSTER_DIR, run_kiosk, run_scan


def test_migrations_match_models(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'kiosk.db'}")
    store.migrate()
    with store.engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection), Base.metadata
        )
    assert differences == []


def _sqlite_store(tmp_path) -> Store:
    store = Store(f"sqlite:///{tmp_path / 'kiosk.db'}")
    store.migrate()
    return store


def test_sqlite_runs_in_wal_mode(tmp_path):
    store = _sqlite_store(tmp_path)
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    store.close()


HOLD_LOCK = textwrap.dedent(
    """
    import sqlite3, sys, time
    connection = sqlite3.connect(sys.argv[1], isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    connection.execute("UPDATE chain_head SET last_hash = last_hash")
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
    connection.execute("COMMIT")
    """
)


def test_write_waits_for_another_process_instead_of_failing(tmp_path):
    store = _sqlite_store(tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(tmp_path / "kiosk.db"), "1.5"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    started = time.monotonic()
    clock = FixedClock.at_local("2026-12-04T08:30", "America/Chicago")

    store.write(
        lambda s: append_event(s, EventSource("ALD", "k1"), "scan", clock.now())
    )

    waited = time.monotonic() - started
    assert holder.wait(timeout=10) == 0
    holder.stdout.close()
    assert waited > 0.5  # it really did wait for the other process's lock
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(Event)) == 1
    store.close()


def test_parallel_writers_keep_the_chain_whole(tmp_path):
    store = _sqlite_store(tmp_path)
    clock = FixedClock.at_local("2026-12-04T08:30", "America/Chicago")
    errors = []

    def writer(kiosk_id: str) -> None:
        try:
            for _ in range(25):
                store.write(
                    lambda s: append_event(
                        s, EventSource("ALD", kiosk_id), "scan", clock.now()
                    )
                )
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(f"k{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    _assert_chain_whole(store, 100)
    store.close()


def _assert_chain_whole(store: Store, count: int) -> None:
    with store.read() as session:
        events = session.scalars(select(Event).order_by(Event.id)).all()
    assert [event.id for event in events] == list(range(1, count + 1))
    previous = "0" * 64
    for event in events:
        assert event.prev_hash == previous
        assert event.hash == event_hash(event)
        previous = event.hash


@pytest.mark.postgres
def test_postgres_district_mode_end_to_end(pg_url, make_config, tmp_path):
    """Two kiosks at two schools share one PostgreSQL database."""
    ald = make_config(school="ALD", store={"url": pg_url})
    brk = make_config(school="BRK", store={"url": pg_url}, kiosk={"kiosk_id": "brk-1"})
    assert (
        run_kiosk(["--config", str(ald), "roster", "import", str(ROSTER_DIR)])[0] == 0
    )
    clock = FixedClock.at_local("2026-12-04T08:30", "America/Chicago")

    at_ald = run_scan(ald, b"OTP-100001\r\n", clock, tmp_path)
    at_brk = run_scan(brk, b"OTP-100004\r\n", clock, tmp_path)

    assert at_ald["outcome"] == "signed_in"
    assert at_brk["outcome"] == "signed_in"
    status, output = run_kiosk(
        [
            "--config",
            str(brk),
            "report",
            "day",
            "--date",
            "2026-12-04",
            "--format",
            "json",
        ],
        clock,
    )
    assert status == 0
    rows = json.loads(output)
    assert [row["person_id"] for row in rows] == ["P004"]


@pytest.mark.postgres
def test_postgres_parallel_kiosks_keep_the_chain_whole(pg_url):
    stores = [Store(pg_url) for _ in range(3)]
    stores[0].migrate()
    clock = FixedClock.at_local("2026-12-04T08:30", "America/Chicago")
    errors = []

    def writer(store: Store, kiosk_id: str) -> None:
        try:
            for _ in range(20):
                store.write(
                    lambda s: append_event(
                        s, EventSource("ALD", kiosk_id), "scan", clock.now()
                    )
                )
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [
        threading.Thread(target=writer, args=(store, f"k{i}"))
        for i, store in enumerate(stores)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    _assert_chain_whole(stores[0], 60)
    for store in stores:
        store.close()


@pytest.mark.postgres
def test_postgres_migrations_run_once_from_many_kiosks(pg_url):
    stores = [Store(pg_url) for _ in range(3)]
    threads = [threading.Thread(target=store.migrate) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with stores[0].engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM chain_head")).scalar() == 1
    for store in stores:
        store.close()
