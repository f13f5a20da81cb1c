"""The database handle: engine set-up, migrations and transactions.

SQLite (the default) runs in WAL mode. Every write transaction starts with
``BEGIN IMMEDIATE`` and a busy timeout, so a second process that is writing (the
desk, a roster import) makes this one wait for the lock instead of failing at
once with "database is locked". PostgreSQL (district mode) needs no such care.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

logger = logging.getLogger(__name__)

T = TypeVar("T")

SQLITE_BUSY_TIMEOUT_MS = 30_000
"""How long a write waits for another process's lock before retrying."""

WRITE_ATTEMPTS = 3
"""Attempts of a whole write transaction that keeps hitting a held lock."""


class StoreError(Exception):
    """The database cannot be opened, migrated or written."""


def describe_error(exc: BaseException) -> str:
    """Return a database error as one line: the driver's message, without the
    SQL statement and SQLAlchemy's "Background on this error" link."""
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        message = str(exc.orig)
    else:
        message = str(exc).split("(Background on this error", 1)[0]
    return " ".join(message.split()) or type(exc).__name__


RETRY_SQLSTATES = frozenset({"40P01", "40001", "55P03"})
"""PostgreSQL errors that a retried transaction can get past: deadlock
detected, serialization failure, lock not available."""


PG_CONNECT_TIMEOUT_SECONDS = 5
"""How long a PostgreSQL connection attempt waits for the server, unless the
URL sets ``connect_timeout``. libpq sets no limit by default, so an attempt on
a host that drops packets lasts until the kernel's TCP connect timeout (about
two minutes on Linux), and a desk sign-in would wait that long."""


def _connect_args(dialect: str, query: Mapping[str, object]) -> dict[str, object]:
    if dialect == "postgresql" and "connect_timeout" not in query:
        return {"connect_timeout": PG_CONNECT_TIMEOUT_SECONDS}
    return {}


def _is_lock_error(exc: OperationalError) -> bool:
    if getattr(exc.orig, "sqlstate", None) in RETRY_SQLSTATES:
        return True
    message = str(exc.orig).lower()
    return "database is locked" in message or "database is busy" in message


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # Autocommit at the driver level: the "begin" hook below issues BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        if connection.get_execution_options().get("kiosk_write"):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


class Store:
    """Opens the database named by a SQLAlchemy URL and hands out sessions."""

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            parsed = make_url(url)
        except ArgumentError as exc:
            raise StoreError(
                f"[store] url is not a database URL ({exc}); expected for example "
                "sqlite:////var/lib/partner-kiosk/kiosk.db or "
                "postgresql+psycopg://user@host/dbname"
            ) from None
        self.dialect = parsed.get_backend_name()
        if self.dialect == "sqlite" and parsed.database not in (None, "", ":memory:"):
            folder = Path(parsed.database).parent
            try:
                folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"cannot create the data folder {folder}: {exc.strerror}"
                ) from exc
        try:
            # hide_parameters keeps statement values (dates of birth, names)
            # out of SQL log lines and out of error messages.
            self.engine = create_engine(
                url,
                pool_pre_ping=self.dialect != "sqlite",
                hide_parameters=True,
                connect_args=_connect_args(self.dialect, parsed.query),
            )
        except (SQLAlchemyError, ImportError, ValueError) as exc:
            raise StoreError(f"cannot open store {parsed!r}: {exc}") from exc
        if self.dialect == "sqlite":
            _configure_sqlite(self.engine)
        self._read_sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(
            self.engine.execution_options(kiosk_write=True), expire_on_commit=False
        )
        self.migrate_on_use = False
        """Set when the start-up migration failed: every read and write first
        tries the migration again, until one succeeds."""
        self._migrated = False
        self._migrate_lock = threading.Lock()

    def migrate(self) -> None:
        """Bring the schema up to date (safe to run from several kiosks at once)."""
        from kiosk.store.migrate import upgrade

        try:
            upgrade(self.engine)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot migrate store: {describe_error(exc)}") from exc
        self._migrated = True

    def migrate_or_wait(self) -> bool:
        """Migrate now, or, when the store cannot be reached, log it and set
        ``migrate_on_use`` so the first read or write that reaches it migrates.

        Returns False when the migration has to wait. The long-running apps
        start this way, so an outage at boot still gives a working screen.
        """
        try:
            self.migrate()
        except StoreError as exc:
            logger.error("store unreachable at start-up, migration postponed: %s", exc)
            self.migrate_on_use = True
            return False
        return True

    def _migrate_if_waiting(self) -> None:
        if not self.migrate_on_use or self._migrated:
            return
        with self._migrate_lock:
            if self._migrated:
                return
            self.migrate()
            logger.info("store reachable again: postponed migration done")

    @contextmanager
    def read(self) -> Iterator[Session]:
        """Yield a session for reading; nothing it changes is committed.

        Closing the session ends its transaction without expiring the objects
        read, so they stay usable after the ``with`` block. Raises StoreError
        while a postponed migration still cannot run.
        """
        self._migrate_if_waiting()
        with self._read_sessions() as session:
            yield session

    def write(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in one write transaction and commit it.

        The whole transaction is retried when another process holds the SQLite
        lock past the busy timeout, so ``work`` must not have side effects
        outside the session. Raises StoreError while a postponed migration
        still cannot run.
        """
        self._migrate_if_waiting()
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                with self._write_sessions() as session, session.begin():
                    return work(session)
            except OperationalError as exc:
                if not _is_lock_error(exc) or attempt == WRITE_ATTEMPTS:
                    raise
                logger.warning("store locked, retrying write (attempt %d)", attempt)
                time.sleep(0.05 * attempt)
        raise AssertionError("unreachable")

    def ping(self) -> None:
        """Raise StoreError unless the database answers a query."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            raise StoreError(f"store not reachable: {describe_error(exc)}") from exc

    def close(self) -> None:
        self.engine.dispose()
