"""``kiosk scan``: one scan through the kiosk's path, without the screen, or
``kiosk scan --listen``: print what the configured reader reads."""

from __future__ import annotations

import argparse
import json
import logging
import os
import queue
import sys
from pathlib import Path

from drivers.scanner.base import WEDGE, Reader, ReaderStatus, Scan
from kiosk.clock import Clock
from kiosk.commands import EXIT_OK, CommandError
from kiosk.config import Config
from kiosk.services.codes import MAX_PAYLOAD_BYTES, strip_framing

logger = logging.getLogger(__name__)


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
    given.add_argument(
        "--listen",
        action="store_true",
        help="print each scan the configured reader ([scanner] kind) delivers as "
        "one JSON line, without checking anyone in, until Ctrl-C",
    )
    scan.set_defaults(handler=scan_command)


def scan_command(config: Config, args: argparse.Namespace, clock: Clock) -> int:
    if args.listen:
        return listen(config, clock)
    return scan_once(config, args, clock)


def _read_payload(args: argparse.Namespace) -> bytes:
    # Reading one byte past the limit is enough to call a scan too long, and
    # keeps /dev/zero or a huge file from filling memory.
    limit = MAX_PAYLOAD_BYTES + 1
    if args.file is not None:
        try:
            with args.file.open("rb") as handle:
                return handle.read(limit)
        except OSError as exc:
            raise CommandError(f"cannot read {args.file}: {exc.strerror}") from exc
    if args.code == "-":
        return sys.stdin.buffer.read(limit)
    # os.fsencode gives back the exact bytes of the argument, even when they
    # are not valid UTF-8.
    return os.fsencode(args.code)


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


_STOP = object()


def _wedge_reader(config: Config, scans: queue.Queue) -> Reader:
    from drivers.scanner.terminal import TerminalWedgeReader
    from drivers.scanner.wedge import Burst, WedgeCollector

    if not sys.stdin.isatty():
        raise CommandError(
            "kiosk scan --listen with [scanner] kind = 'wedge' reads the keyboard: "
            "run it in a terminal and scan into that terminal"
        )
    scanner = config.scanner
    collector = WedgeCollector(
        gap=scanner.wedge_gap_ms / 1000,
        min_length=scanner.wedge_min_length,
        prefix=scanner.prefix,
        suffix=scanner.suffix,
    )

    def deliver(scan: Scan) -> None:
        # A burst keeps the Enter, Tab, prefix and suffix the scanner typed, so
        # strip them the way the check-in path does before parsing the code.
        text = strip_framing(scan.text, scanner.prefix, scanner.suffix)
        scans.put(Scan(text.encode("utf-8"), scan.source, scan.symbology))

    def ignored(burst: Burst) -> None:
        print(
            f"kiosk: ignored typing, not a scan (reason: {burst.reason}, "
            f"length {len(burst.text)})",
            file=sys.stderr,
            flush=True,
        )

    return TerminalWedgeReader(
        sys.stdin.fileno(),
        collector,
        deliver,
        _print_status,
        on_ignored=ignored,
        on_interrupt=lambda: scans.put(_STOP),
    )


def _print_status(status: ReaderStatus) -> None:
    state = "ok" if status.ok else "not working"
    print(
        f"kiosk: {status.component} {state}: {status.detail}",
        file=sys.stderr,
        flush=True,
    )


def listen(config: Config, clock: Clock) -> int:
    """Print every scan of the configured reader as a JSON line until Ctrl-C."""
    from kiosk.assembly import open_reader

    scans: queue.Queue = queue.Queue()
    kind = config.scanner.kind
    if kind == WEDGE:
        reader = _wedge_reader(config, scans)
    else:
        built = open_reader(config, scans.put, _print_status)
        assert built is not None
        reader = built
    reader.start()
    logger.info("listening for %s scans", kind)
    print(
        f"kiosk: listening to the {kind} reader; Ctrl-C stops",
        file=sys.stderr,
        flush=True,
    )
    try:
        while True:
            try:
                item = scans.get(timeout=0.2)
            except queue.Empty:
                continue
            if item is _STOP:
                break
            line = {
                **item.to_json(),
                "at": clock.now().astimezone(config.zone).isoformat(),
            }
            print(json.dumps(line, ensure_ascii=False), flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        reader.stop()
    return EXIT_OK
