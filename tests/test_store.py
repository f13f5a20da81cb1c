"""The store: migrations match the models, SQLite locking, PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from kiosk.store import Store
from kiosk.store.models import Base


def test_migrations_match_models(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'kiosk.db'}")
    store.migrate()
    with store.engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection), Base.metadata
        )
    assert differences == []
