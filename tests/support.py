"""Helpers the tests share: fixture files, settings files and running ``kiosk``."""

from __future__ import annotations

import csv
import io
import json
import logging
import os
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path

from kiosk.cli import main
from kiosk.clock import Clock

REPO = Path(__file__).resolve().parent.parent


def _find_shared() -> Path:
    candidates = [
        os.environ.get("KIOSK_SHARED_DIR", ""),
        REPO.parent / "shared",
        Path("/work/shared"),
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "testdata" / "kiosk" / "scans").is_dir():
            return Path(candidate)
    raise RuntimeError(
        "shared test data not found: "
        "set KIOSK_SHARED_DIR to the folder holding testdata/kiosk"
    )


SHARED = _find_shared()
KIOSK_DATA = SHARED / "testdata" / "kiosk"
ROSTER_DIR = KIOSK_DATA / "roster"
SCANS = KIOSK_DATA / "scans"
PUBLIC = SHARED / "testdata" / "public"


@dataclass(frozen=True)
class ExpectedScan:
    scan: str
    school: str
    at: str
    outcome: str
    reasons: tuple[str, ...]

    @property
    def payload(self) -> bytes:
        return (SCANS / self.scan).read_bytes()


def expected_scans() -> list[ExpectedScan]:
    with (SCANS / "expected.csv").open(newline="") as handle:
        return [
            ExpectedScan(
                row["scan"],
                row["school"],
                row["at"],
                row["outcome"],
                tuple(code for code in row["reasons"].split(";") if code),
            )
            for row in csv.DictReader(handle)
        ]


def toml_value(value: object) -> str:
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value))


def write_config(path: Path, sections: dict[str, dict[str, object]]) -> Path:
    lines = []
    for section, values in sections.items():
        lines.append(f"[{section}]")
        lines.extend(f"{key} = {toml_value(value)}" for key, value in values.items())
        lines.append("")
    path.write_text("\n".join(lines))
    return path


def run_kiosk(args: list[str], clock: Clock | None = None) -> tuple[int, str]:
    """Run ``kiosk ARGS`` in this process; return the exit status and stdout.

    The command sets up logging for itself; the test's log handlers (pytest's
    caplog among them) are put back afterwards.
    """
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    output = io.StringIO()
    try:
        with redirect_stdout(output):
            status = main(args, clock=clock)
    finally:
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
                handler.close()
        for handler in handlers:
            if handler not in root.handlers:
                root.addHandler(handler)
        root.setLevel(level)
    return status, output.getvalue()


def run_scan(config: Path, payload: bytes, clock: Clock, tmp_path: Path) -> dict:
    """Put ``payload`` through ``kiosk scan --file`` and return its JSON line."""
    scan_file = tmp_path / "payload.bin"
    scan_file.write_bytes(payload)
    status, output = run_kiosk(
        ["--config", str(config), "scan", "--file", str(scan_file)], clock
    )
    assert status == 0, output
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    return json.loads(lines[0])
