"""``kiosk badge``: preview the layout, reprint badges, check the printers."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.clock import Clock
from kiosk.commands import EXIT_FAILURE, EXIT_OK, CommandError
from kiosk.commands._signin import add_signin_options, sign_in
from kiosk.config import Config

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def register(
    commands: argparse._SubParsersAction, common: argparse.ArgumentParser
) -> None:
    badge = commands.add_parser("badge", help="visitor badges and badge printers")
    actions = badge.add_subparsers(
        dest="badge_command", required=True, metavar="ACTION"
    )

    preview = actions.add_parser(
        "preview",
        parents=[common],
        help="draw a sample badge as the configured printer would print it",
    )
    preview.add_argument(
        "--out", type=Path, required=True, metavar="FILE.png", help="PNG to write"
    )
    preview.add_argument(
        "--escpos",
        type=Path,
        metavar="FILE.bin",
        help="also write the ESC/POS job the printer would receive",
    )
    preview.add_argument(
        "--paper",
        type=int,
        choices=(80, 58),
        help="paper width in mm (default: [printer] paper_width)",
    )
    preview.add_argument("--profile", help="python-escpos printer profile")
    preview.add_argument("--barcode", choices=("qr", "code128"))
    preview.add_argument("--name", help="name on the sample badge")
    preview.add_argument("--photo", type=Path, help="photo to print on the badge")
    preview.add_argument(
        "--visitor", action="store_true", help="a VISITOR badge instead of PARTNER"
    )
    preview.add_argument("--reprint", action="store_true", help="mark it REPRINT")
    preview.set_defaults(handler=preview_badge)

    reprint = actions.add_parser(
        "reprint",
        parents=[common],
        help="print a visit's badge again (same sign-out code, marked REPRINT)",
    )
    reprint.add_argument("visit_id", type=int, metavar="VISIT_ID")
    add_signin_options(
        reprint,
        required=True,
        help="the staff member asking for the reprint; the event log records them",
    )
    reprint.set_defaults(handler=reprint_badge)

    queue = actions.add_parser(
        "queue", parents=[common], help="list today's badges waiting for a reprint"
    )
    queue.add_argument("--format", choices=("table", "json"), default="table")
    queue.set_defaults(handler=list_queue)

    check = actions.add_parser(
        "check", parents=[common], help="ask the badge printers for their status"
    )
    check.set_defaults(handler=check_printers)

    profiles = actions.add_parser(
        "profiles",
        parents=[common],
        help="list the printer profiles python-escpos knows",
    )
    profiles.set_defaults(handler=list_profiles)


def preview_badge(config: Config, args: argparse.Namespace, clock: Clock) -> int:
    from kiosk.badges.capabilities import profile_names
    from kiosk.badges.photo import load_photo
    from kiosk.badges.sample import sample_badge
    from kiosk.services.badging import BadgePrinter, BadgeSettings

    profile = args.profile or config.printer.profile
    if profile not in profile_names():
        raise CommandError(
            f"unknown printer profile {profile!r}; `kiosk badge profiles` lists them"
        )
    photo = None
    if args.photo is not None:
        photo = load_photo(args.photo)
        if photo is None:
            raise CommandError(f"cannot read the photo {args.photo}")
    settings = BadgeSettings(
        school_name=config.school_name,
        paper_mm=args.paper or config.printer.paper_width,
        symbology=args.barcode or config.printer.barcode,
        profile=profile,
        photo=True,
    )
    extra = {"name": args.name} if args.name else {}
    badge = sample_badge(
        config.school_name,
        clock.now().astimezone(config.zone),
        photo=photo,
        visitor=args.visitor,
        reprint=args.reprint,
        **extra,
    )
    job, png = BadgePrinter.render(badge, settings)
    try:
        args.out.write_bytes(png)
        if args.escpos is not None:
            args.escpos.write_bytes(job)
    except OSError as exc:
        raise CommandError(f"cannot write the preview: {exc}") from exc
    print(
        f"sample badge for {settings.paper_mm} mm paper "
        f"({settings.capabilities.paper_dots} dots), profile {profile}: {args.out}"
    )
    return EXIT_OK


def reprint_badge(config: Config, args: argparse.Namespace, clock: Clock) -> int:
    from kiosk.assembly import build_badge_printer, open_store, station_for
    from kiosk.services.badging import BadgeError
    from kiosk.services.desk import actions

    store = open_store(config)
    try:
        member = sign_in(config, args, clock, store, principal=False)
        assert member is not None  # argparse requires --as
        source = station_for(config).source
        where = actions.Where(config.kiosk.school, source, config.zone)

        # Logged as the desk's reprint key logs it: who asked, then the print.
        def request(session: Session) -> None:
            actions.check_reprintable(session, where, args.visit_id)
            actions.log_staff_event(
                session,
                where,
                "reprint_requested",
                member,
                clock.now(),
                visit_id=args.visit_id,
            )

        try:
            store.write(request)
        except actions.DeskError as exc:
            raise CommandError(str(exc)) from exc
        printer = build_badge_printer(config, store, clock, source)
        try:
            outcome = printer.print_visit(
                args.visit_id, reprint=True, staff_id=member.id
            )
        except BadgeError as exc:
            raise CommandError(str(exc)) from exc
    finally:
        store.close()
    if outcome.status != "printed":
        print(
            f"badge of visit {args.visit_id} not printed ({outcome.error}); "
            "it is in the reprint queue",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    where = f" at {outcome.location}" if outcome.at_fallback else ""
    path = f": {outcome.path}" if outcome.path else ""
    print(f"badge of visit {args.visit_id} reprinted on {outcome.printer}{where}{path}")
    return EXIT_OK


def list_queue(config: Config, args: argparse.Namespace, clock: Clock) -> int:
    from kiosk.assembly import open_store
    from kiosk.services.reprints import reprint_queue

    store = open_store(config)
    try:
        with store.read() as session:
            queue = reprint_queue(
                session, config.kiosk.school, clock.now(), config.zone
            )
    finally:
        store.close()
    if args.format == "json":
        for item in queue:
            row = dataclasses.asdict(item)
            row["signed_in_at"] = item.signed_in_at.isoformat()
            print(json.dumps(row, ensure_ascii=False))
        return EXIT_OK
    if not queue:
        print("no badges waiting for a reprint")
        return EXIT_OK
    print(f"{'VISIT':>6}  {'IN':5}  {'NAME':30}  {'ORGANIZATION':28}  LAST FAULT")
    for item in queue:
        print(
            f"{item.visit_id:>6}  {item.signed_in_at:%H:%M}  {item.name[:30]:30}  "
            f"{item.organization[:28]:28}  {item.error or 'never sent'}"
        )
    return EXIT_OK


def check_printers(config: Config, args: argparse.Namespace, clock: Clock) -> int:
    from kiosk.assembly import build_badge_printer, open_store, station_for

    store = open_store(config)
    try:
        printer = build_badge_printer(config, store, clock, station_for(config).source)
        results = printer.check_printers()
    finally:
        store.close()
    for target, check in zip(printer.targets, results, strict=True):
        mark = "ok" if check.ok else "FAULT"
        print(f"{check.name}: {mark}: {check.words} ({target.transport.description})")
        if check.reason == "not_responding":
            print(
                "  It accepts the connection but does not respond to the ESC/POS "
                f"status request. {no_status_advice(check.name)}"
            )
    return EXIT_OK if all(check.ok for check in results) else EXIT_FAILURE


def no_status_advice(section: str) -> str:
    """Return what to do about a printer that accepts connections but never
    responds to the ESC/POS status request (``DLE EOT``)."""
    return (
        "Check that it is an ESC/POS printer on its raw printing port. A printer "
        f"with no status channel needs [{section}] status_check = false."
    )


def list_profiles(config: Config, args: argparse.Namespace, clock: Clock) -> int:
    from kiosk.badges.capabilities import capabilities_for, profile_names

    for name in profile_names():
        caps = capabilities_for(name, 80)
        native = [
            label
            for label, present in (
                ("QR", caps.native_qr),
                ("Code128", caps.native_code128),
            )
            if present
        ]
        print(
            f"{name:16} {len(caps.code_pages):3} code pages, "
            f"native codes: {', '.join(native) or 'none'}"
        )
    return EXIT_OK
