"""``kiosk scan``: one scan through the kiosk's path, without the screen."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kiosk.clock import Clock
from kiosk.commands import EXIT_OK, CommandError
from kiosk.config import Config


def register(
    commands: argparse._SubParsersAction, common: argparse.ArgumentParser
) -> None:
    scan = commands.add_parser(
        "scan",
        parents=[common],
        help="put one scan through the kiosk and print the outcome as one JSON line",
    )
    given = scan.add_mutually_exclusive_group(required=True)
    given.add_argument(
        "code",
        nargs="?",
        help="the scanned code, or - to read the bytes from standard input",
    )
    given.add_argument(
        "--file", type=Path, help="file holding the exact bytes a scanner delivered"
    )
    scan.set_defaults(handler=scan_once)


def _read_payload(args: argparse.Namespace) -> bytes:
    if args.file is not None:
        try:
            return args.file.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {args.file}: {exc.strerror}") from exc
    if args.code == "-":
        return sys.stdin.buffer.read()
    return args.code.encode("utf-8")


def scan_once(config: Config, args: argparse.Namespace, clock: Clock) -> int:
    from kiosk.assembly import build_kiosk

    payload = _read_payload(args)
    kiosk = build_kiosk(config, clock)
    try:
        result = kiosk.scan(payload)
    finally:
        kiosk.close()
    print(json.dumps(result.to_json(), ensure_ascii=False))
    return EXIT_OK
