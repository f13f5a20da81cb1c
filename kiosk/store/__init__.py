"""Storage: SQLAlchemy models, the database handle and the event log."""

from kiosk.store.database import Store, StoreError

__all__ = ["Store", "StoreError"]
