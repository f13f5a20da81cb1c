"""Fetch the district roster over HTTP and import it.

The kiosk keeps working on the roster in force when the network or the
district server is down: a failed sync changes nothing and is logged. The
server's ETag is remembered, so an unchanged roster costs one 304 response.
"""

from __future__ import annotations

import json
import logging
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin

import requests
from sqlalchemy.orm import Session

from kiosk.config import RosterSection
from kiosk.services.roster import RosterError, read_roster
from kiosk.store.components import record_component_status
from kiosk.store.database import Store
from kiosk.store.events import EventSource, append_event
from kiosk.store.roster import apply_roster, last_import_sha256

logger = logging.getLogger(__name__)

STATE_FILE = "roster-sync.json"
CSV_FILES = ("organizations.csv", "people.csv")


class SyncError(Exception):
    """The roster could not be fetched or was rejected; ``reason`` is a code."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class SyncOutcome:
    changed: bool
    import_id: int | None = None
    organizations: int = 0
    people: int = 0


class RosterFetcher:
    """Downloads the roster files named by ``[roster] url`` into a folder."""

    def __init__(self, settings: RosterSection, state_path: Path) -> None:
        self.settings = settings
        self.state_path = state_path
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "partner-kiosk roster sync"
        if settings.token_file:
            try:
                token = Path(settings.token_file).read_text().strip()
            except OSError as exc:
                raise SyncError(
                    "token_unreadable",
                    f"cannot read the token file {settings.token_file}: {exc.strerror}",
                ) from exc
            self.session.headers["Authorization"] = f"Bearer {token}"

    def _state(self) -> dict[str, str]:
        try:
            return json.loads(self.state_path.read_text())
        except (OSError, ValueError):
            return {}

    def save_state(self, etags: dict[str, str]) -> None:
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        self.state_path.write_text(json.dumps(etags, indent=2))

    def _get(self, url: str, etag: str | None) -> requests.Response:
        headers = {"If-None-Match": etag} if etag else {}
        verify: bool | str = self.settings.ca_bundle or True
        try:
            response = self.session.get(
                url,
                headers=headers,
                timeout=self.settings.timeout,
                stream=True,
                verify=verify,
            )
        except requests.exceptions.SSLError as exc:
            raise SyncError("tls_failed", f"{url}: TLS check failed: {exc}") from exc
        except requests.exceptions.Timeout as exc:
            raise SyncError(
                "timed_out", f"{url}: no answer within {self.settings.timeout:g} s"
            ) from exc
        except requests.exceptions.RequestException as exc:
            raise SyncError("unreachable", f"{url}: cannot connect: {exc}") from exc
        if response.status_code in (401, 403):
            raise SyncError(
                "not_authorized",
                f"{url}: HTTP {response.status_code}: check [roster] token_file",
            )
        if response.status_code not in (200, 304):
            raise SyncError("http_error", f"{url}: HTTP {response.status_code}")
        return response

    def _save_body(
        self, response: requests.Response, target: Path, deadline: float
    ) -> None:
        """Write the body to ``target`` before ``deadline`` (a monotonic time).

        A server that trickles bytes never trips the per-read timeout, and a
        read blocked on a socket cannot be woken from another thread. So the
        download runs in a daemon thread that is abandoned when time runs out.
        """
        limit = self.settings.max_bytes
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise SyncError("too_large", f"{response.url}: larger than {limit} bytes")
        failures: list[SyncError] = []

        def download() -> None:
            size = 0
            try:
                with target.open("wb") as handle:
                    for chunk in response.iter_content(65536):
                        size += len(chunk)
                        if size > limit:
                            raise SyncError(
                                "too_large",
                                f"{response.url}: larger than {limit} bytes",
                            )
                        handle.write(chunk)
            except SyncError as exc:
                failures.append(exc)
            except (requests.exceptions.RequestException, OSError) as exc:
                failures.append(SyncError("unreachable", f"{response.url}: {exc}"))

        worker = threading.Thread(target=download, name="roster-download", daemon=True)
        worker.start()
        worker.join(max(0.0, deadline - time.monotonic()))
        if worker.is_alive():
            raise SyncError(
                "timed_out",
                f"{response.url}: not complete within {self.settings.timeout:g} s",
            )
        if failures:
            raise failures[0]

    def fetch(self, folder: Path) -> tuple[list[Path], dict[str, str]] | None:
        """Download the roster into ``folder``.

        Returns the files and their new ETags, or None when the server replies
        that nothing changed since the last successful sync. ``[roster]
        timeout`` bounds the whole download, not only each read.
        """
        deadline = time.monotonic() + self.settings.timeout
        base = self.settings.url
        urls = (
            {name: urljoin(base, name) for name in CSV_FILES}
            if base.endswith("/")
            else {"roster.json": base}
        )
        known = self._state()
        responses = {name: self._get(url, known.get(url)) for name, url in urls.items()}
        if all(response.status_code == 304 for response in responses.values()):
            return None
        paths, etags = [], {}
        for name, response in responses.items():
            url = urls[name]
            if response.status_code == 304:
                # One file of the pair changed: fetch the other one whole.
                response = self._get(url, None)
            self._save_body(response, folder / name, deadline)
            paths.append(folder / name)
            if response.headers.get("ETag"):
                etags[url] = response.headers["ETag"]
        return paths, etags


def _record(
    store: Store, source: EventSource, at: datetime, ok: bool, detail: str, event: dict
) -> None:
    def work(session: Session) -> None:
        record_component_status(session, source, "roster", ok, detail, at)
        append_event(session, source, "roster_sync", at, detail=event)

    store.write(work)


def sync_roster(
    store: Store,
    settings: RosterSection,
    data_dir: Path,
    source: EventSource,
    at: datetime,
) -> SyncOutcome:
    """Fetch and import the roster; raise SyncError (the roster in force stays)."""
    if not settings.url:
        raise SyncError("not_configured", "no roster URL: set [roster] url")
    fetcher = RosterFetcher(settings, data_dir / STATE_FILE)
    try:
        with tempfile.TemporaryDirectory(prefix="roster-") as folder:
            fetched = fetcher.fetch(Path(folder))
            if fetched is None:
                outcome = SyncOutcome(changed=False)
            else:
                paths, etags = fetched
                try:
                    roster = read_roster(paths)
                except RosterError as exc:
                    raise SyncError(
                        "roster_rejected", f"roster rejected: {exc}"
                    ) from exc
                with store.read() as session:
                    same = last_import_sha256(session) == roster.sha256
                if same:
                    # A server without ETags sends the same roster every time.
                    outcome = SyncOutcome(changed=False)
                else:
                    try:
                        import_id = apply_roster(store, roster, source, at)
                    except RosterError as exc:
                        raise SyncError(
                            "roster_rejected", f"roster rejected: {exc}"
                        ) from exc
                    outcome = SyncOutcome(
                        True, import_id, len(roster.organizations), len(roster.people)
                    )
                fetcher.save_state(etags)
    except SyncError as exc:
        logger.error("roster sync failed: %s", exc.reason)
        _record(
            store,
            source,
            at,
            False,
            f"sync failed: {exc.reason}",
            {"ok": False, "reason": exc.reason},
        )
        raise
    detail = "updated" if outcome.changed else "unchanged"
    _record(store, source, at, True, detail, {"ok": True, "changed": outcome.changed})
    logger.info("roster sync: %s", detail)
    return outcome
