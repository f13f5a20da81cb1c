"""Logging set-up for the command line and the full-screen apps.

Log records carry ids and reason codes only: never a name, a licence number, an
address, a date of birth or a background-check detail.
"""

from __future__ import annotations

import logging
import logging.config
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class LibraryChatter(logging.Filter):
    """Drop python-escpos's informational records, which it writes to the root
    logger on every connection ("Network printer enabled")."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.levelno < logging.WARNING and "/escpos/" in record.pathname)


def configure_logging(level: str, log_file: Path | None = None) -> None:
    """Send log records to stderr, or to ``log_file`` when a full-screen app
    owns the terminal (Textual draws on stderr)."""
    if log_file is None:
        handler: dict = {"class": "logging.StreamHandler", "formatter": "plain"}

    else:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handler = {
            "class": "logging.handlers.RotatingFileHandler",
            "filename": str(log_file),
            "maxBytes": 5_000_000,
            "backupCount": 5,
            "encoding": "utf-8",
            "formatter": "plain",
        }
    handler["filters"] = ["library_chatter"]
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"plain": {"format": FORMAT}},
            "filters": {"library_chatter": {"()": LibraryChatter}},
            "handlers": {"main": handler},
            "root": {"level": level, "handlers": ["main"]},
            "loggers": {
                # Keep library chatter (SQL, HTTP) out unless debugging.
                "sqlalchemy": {"level": "WARNING"},
                "alembic": {"level": "WARNING"},
                "urllib3": {"level": "WARNING"},
            },
        }
    )
