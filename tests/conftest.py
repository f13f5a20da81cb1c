from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from drivers.printer.fake import FakeNetworkPrinter
from tests.desk_support import DeskEnv, make_desk_env
from tests.support import ROSTER_DIR, run_kiosk, write_config
from tests.week_fixture import week, week_template  # noqa: F401 (fixtures)

PG_ADMIN_URL = os.environ.get(
    "KIOSK_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture
def make_config(tmp_path: Path):
    """Write a settings file with the data directory in tmp_path; return its path."""

    def make(school: str = "ALD", **sections: dict[str, object]) -> Path:
        kiosk = {
            "school": school,
            "data_dir": str(tmp_path / "data"),
            **sections.pop("kiosk", {}),
        }
        return write_config(
            tmp_path / f"kiosk-{uuid.uuid4().hex[:6]}.toml",
            {"kiosk": kiosk, **sections},
        )

    return make


@pytest.fixture
def rostered_config(make_config) -> Path:
    """Settings for school ALD with the shared fictional roster imported."""
    config = make_config()
    status, output = run_kiosk(
        ["--config", str(config), "roster", "import", str(ROSTER_DIR / "roster.json")]
    )
    assert status == 0, output
    return config


@pytest.fixture
def network_printer() -> Iterator[FakeNetworkPrinter]:
    with FakeNetworkPrinter() as printer:
        yield printer


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A new, empty PostgreSQL database for one test; dropped afterwards."""
    name = f"kiosk_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def desk_env(request, make_config, tmp_path, network_printer) -> Iterator[DeskEnv]:
    """A school with the roster, a clerk, a principal and a printer, for the
    desk tests: on SQLite, then again on PostgreSQL."""
    url = request.getfixturevalue("pg_url") if request.param == "postgres" else ""
    env = make_desk_env(make_config, tmp_path, network_printer, url)
    yield env
    env.store.close()


@pytest.fixture
def sqlite_desk_env(make_config, tmp_path, network_printer) -> Iterator[DeskEnv]:
    """The desk tests' school on SQLite only."""
    env = make_desk_env(make_config, tmp_path, network_printer)
    yield env
    env.store.close()
