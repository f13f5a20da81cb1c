"""A fictional demo: a roster and settings that need no hardware and no files."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from kiosk.clock import Clock
from kiosk.config import Config, parse_config

HINT = (
    "Demo: type DEMO-0001 (cleared), DEMO-0002 (check expired) or DEMO-0003 "
    "(agreement not signed) and press Enter. The same code again signs out."
)


def demo_config(data_dir: Path) -> Config:
    """Settings for the demo: a file printer in ``data_dir``, and keys typed by
    hand accepted as scans (up to a second between keys)."""
    return parse_config(
        {
            "kiosk": {
                "school": "DEMO",
                "school_name": "Maple Grove Elementary (demo)",
                "data_dir": str(data_dir),
                "rescan_guard_seconds": 5,
                "allow_quit": True,
            },
            "scanner": {"wedge_gap_ms": 1000},
            "printer": {"connection": "file"},
        }
    )


def _person(
    person_id: str,
    org_id: str,
    first: str,
    last: str,
    born: str,
    badge: str,
    check: date | None,
) -> dict:
    return {
        "person_id": person_id,
        "org_id": org_id,
        "first_name": first,
        "middle_name": None,
        "last_name": last,
        "date_of_birth": born,
        "role": "volunteer",
        "badge_code": badge,
        "id_jurisdiction": None,
        "id_number_last4": None,
        "check_completed_on": check.isoformat() if check else None,
        "check_source": "district" if check else None,
        "offense_report": "none",
        "status": "active",
    }


def demo_roster(today: date) -> dict:
    """Return a fictional roster whose dates are set relative to ``today``."""
    agreement = {
        "kind": "community_partner",
        "agreement_type": "MOU",
        "agreement_starts_on": (today - timedelta(days=90)).isoformat(),
        "agreement_ends_on": (today + timedelta(days=275)).isoformat(),
        "schools": ["*"],
    }
    return {
        "format": "partner-roster/1",
        "organizations": [
            {
                "org_id": "DEMO-ORG-1",
                "name": "Lantern Reading Club",
                "agreement_status": "signed",
                "agreement_signed_on": (today - timedelta(days=100)).isoformat(),
                **agreement,
            },
            {
                "org_id": "DEMO-ORG-2",
                "name": "Cedar Street Tutors",
                "agreement_status": "pending_signature",
                "agreement_signed_on": None,
                **agreement,
            },
        ],
        "people": [
            _person(
                "D001",
                "DEMO-ORG-1",
                "Rosalind",
                "Quill",
                "1986-05-17",
                "DEMO-0001",
                today - timedelta(days=40),
            ),
            _person(
                "D002",
                "DEMO-ORG-1",
                "Tobias",
                "Fenwick",
                "1979-10-03",
                "DEMO-0002",
                today - timedelta(days=400),
            ),
            _person(
                "D003",
                "DEMO-ORG-2",
                "Ines",
                "Marlowe-Diaz",
                "1992-02-29",
                "DEMO-0003",
                today - timedelta(days=20),
            ),
        ],
    }


def install_demo_roster(config: Config, clock: Clock) -> None:
    """Import the demo roster into the demo's store (again, if already there)."""
    from kiosk.assembly import open_store, station_for
    from kiosk.services.roster import read_roster
    from kiosk.store.roster import apply_roster

    today = clock.now().astimezone(config.zone).date()
    path = config.data_dir / "demo-roster.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(demo_roster(today), indent=2))
    store = open_store(config)
    try:
        apply_roster(
            store, read_roster([path]), station_for(config).source, clock.now()
        )
    finally:
        store.close()
