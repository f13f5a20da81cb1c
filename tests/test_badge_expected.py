"""Every admitted fixture scan prints a badge on both paper widths to a test
printer on 127.0.0.1, and the captured bytes decode back to the person's
name, the day and the sign-out code."""

from __future__ import annotations

import csv
import re
from datetime import datetime

import pytest

from drivers.printer.fake import FakeNetworkPrinter
from kiosk.badges.layout import badge_date
from kiosk.clock import FixedClock
from tests.badge_support import network_printer_section, rostered
from tests.escpos_decode import decode_job
from tests.support import ROSTER_DIR, expected_scans, run_scan

ADMITTED = [row for row in expected_scans() if row.outcome == "signed_in"]
PRINTERS = {
    "80mm-native-qr": {"paper_width": 80, "profile": "default", "barcode": "qr"},
    "58mm-raster-qr": {"paper_width": 58, "profile": "simple", "barcode": "qr"},
    "80mm-native-code128": {
        "paper_width": 80,
        "profile": "default",
        "barcode": "code128",
    },
    "58mm-raster-code128": {
        "paper_width": 58,
        "profile": "simple",
        "barcode": "code128",
    },
}


def roster_names() -> dict[str, str]:
    with (ROSTER_DIR / "people.csv").open(newline="") as handle:
        return {
            row["person_id"]: f"{row['first_name']} {row['last_name']}"
            for row in csv.DictReader(handle)
        }


NAMES = roster_names()


def squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("printer_name", list(PRINTERS))
@pytest.mark.parametrize("row", ADMITTED, ids=[row.scan for row in ADMITTED])
def test_admitted_scan_badge_decodes(row, printer_name, make_config, tmp_path):
    person_id = re.search(r"P\d{3}", row.scan)
    assert person_id is not None
    name = NAMES[person_id.group()]
    settings = PRINTERS[printer_name]
    with FakeNetworkPrinter() as printer:
        config = rostered(
            make_config,
            kiosk={"school": row.school},
            printer=network_printer_section(printer, **settings),
        )
        result = run_scan(
            config,
            row.payload,
            FixedClock.at_local(row.at, "America/Chicago"),
            tmp_path,
        )
        jobs = printer.wait_for_jobs(1)

    assert result["outcome"] == "signed_in"
    assert result["badge_status"] == "printed"
    decoded = decode_job(bytes(jobs[0].data), settings["profile"])
    assert squeeze(name) in squeeze(decoded.text)
    day = badge_date(datetime.fromisoformat(row.at).date())
    assert f"VALID {day} ONLY" in decoded.lines()
    code = result["sign_out_code"]
    assert code in decoded.lines()
    if settings["profile"] == "default":
        payload = decoded.native_codes[0]["data"]
        assert payload == (code if settings["barcode"] == "qr" else "{B" + code)
    else:
        symbology = "QRCode" if settings["barcode"] == "qr" else "Code128"
        assert decoded.barcodes() == [(symbology, code)]
    paper_dots = 576 if settings["paper_width"] == 80 else 384
    assert all(raster.shape[1] <= paper_dots for raster in decoded.rasters)
