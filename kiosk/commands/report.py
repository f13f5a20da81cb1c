"""``kiosk report``: visit logs, exports, the digest, end of day, verify, purge.

Without ``--as``, reports leave out confidential refusal reasons. With
``--as USERNAME`` and the right PIN, a principal's reports include them.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from kiosk.clock import Clock
from kiosk.commands import EXIT_FAILURE, EXIT_OK, CommandError, date_argument
from kiosk.commands._signin import add_signin_options, sign_in
from kiosk.config import Config
from kiosk.services.plurals import counted

MAX_RANGE_DAYS = 366


def _date_option(parser: argparse.ArgumentParser, flag: str, help_text: str) -> None:
    parser.add_argument(
        flag, type=date_argument, metavar="YYYY-MM-DD", help=help_text, dest=flag[2:]
    )


def register(
    commands: argparse._SubParsersAction, common: argparse.ArgumentParser
) -> None:
    report = commands.add_parser("report", help="visit reports, exports and upkeep")
    reports = report.add_subparsers(
        dest="report_command", required=True, metavar="REPORT"
    )

    day = reports.add_parser(
        "day", parents=[common], help="one day's visits at this school"
    )
    _date_option(day, "--date", "the day (default: today at the school)")
    day.add_argument("--format", choices=("table", "csv", "json"), default="table")
    add_signin_options(day, required=False)
    day.set_defaults(handler=report_day)

    span = reports.add_parser(
        "range", parents=[common], help="export the visits of a range of days"
    )
    span.add_argument(
        "--from", dest="first", type=date_argument, required=True, metavar="YYYY-MM-DD"
    )
    span.add_argument(
        "--to", dest="last", type=date_argument, required=True, metavar="YYYY-MM-DD"
    )
    span.add_argument("--format", choices=("csv", "pdf", "json"), required=True)
    span.add_argument("--out", type=Path, metavar="PATH", help="file to write")
    add_signin_options(span, required=False)
    span.set_defaults(handler=report_range)

    digest = reports.add_parser(
        "digest", parents=[common], help="what needs the principal on a day"
    )
    _date_option(digest, "--date", "the day (default: today at the school)")
    digest.add_argument("--format", choices=("text", "pdf"), default="text")
    digest.add_argument("--out", type=Path, metavar="PATH", help="file to write")
    add_signin_options(digest, required=True)
    digest.set_defaults(handler=report_digest)

    verify = reports.add_parser(
        "verify",
        parents=[common],
        help="check the event log's hash chain; exit status 1 when broken",
    )
    verify.set_defaults(handler=report_verify)

    close = reports.add_parser(
        "close-day",
        parents=[common],
        help="mark visits still open after closing time as not signed out",
    )
    close.set_defaults(handler=report_close_day)

    time_out = reports.add_parser(
        "time-out",
        parents=[common],
        help="record the real time out of a visit marked not signed out",
    )
    time_out.add_argument("visit_id", type=int, help="visit number (see report day)")
    time_out.add_argument("--at", required=True, metavar="HH:MM", help="local time")
    _date_option(time_out, "--date", "day of the time out (default: the visit's day)")
    time_out.add_argument("--note", required=True, help="how the time out is known")
    add_signin_options(time_out, required=True)
    time_out.set_defaults(handler=report_time_out)

    purge = reports.add_parser(
        "purge",
        parents=[common],
        help="remove visits and events older than the retention period",
    )
    purge.set_defaults(handler=report_purge)

    daily = reports.add_parser(
        "daily",
        parents=[common],
        help=(
            "the daily job: close-day, time out stale desk alerts, then purge "
            "(safe to run often)"
        ),
    )
    daily.set_defaults(handler=report_daily)


def _today(config: Config, clock: Clock) -> date:
    return clock.now().astimezone(config.zone).date()


def _write_output(data: bytes, out: Path | None) -> None:
    """Write ``data`` to ``out`` (replacing it whole) or to standard output."""
    if out is None:
        stream = getattr(sys.stdout, "buffer", None)
        if stream is None:
            # Standard output was replaced by a text-only stream.
            try:
                sys.stdout.write(data.decode("utf-8"))
            except UnicodeDecodeError:
                raise CommandError(
                    "binary output goes to a file: add --out PATH"
                ) from None
        else:
            sys.stdout.flush()
            stream.write(data)
            stream.flush()
        return
    target = out.expanduser()
    if target.is_dir():
        raise CommandError(f"{target} is a folder; give a file name with --out")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o600)
        os.replace(temporary, target)
    except OSError as exc:
        raise CommandError(f"cannot write {target}: {exc.strerror}") from exc


def report_day(config: Config, args: argparse.Namespace, clock: Clock) -> int:
    from kiosk.assembly import open_store
    from kiosk.services.export import rows_to_csv, rows_to_json, rows_to_table
    from kiosk.services.reports import day_rows

    day = args.date or _today(config, clock)
    store = open_store(config)
    try:
        member = sign_in(config, args, clock, store, principal=False)
        confidential = bool(member and member.sees_confidential)
        with store.read() as session:
            rows = day_rows(
                session,
                config.kiosk.school,
                day,
                config.zone,
                confidential=confidential,
            )
    finally:
        store.close()
    if args.format == "csv":
        text = rows_to_csv(rows, confidential)
    elif args.format == "json":
        text = rows_to_json(rows)
    else:
        text = rows_to_table(rows)
    sys.stdout.write(text.rstrip("\n") + "\n")
    return EXIT_OK


def report_range(config: Config, args: argparse.Namespace, clock: Clock) -> int:
    from kiosk.assembly import open_store
    from kiosk.services.export import ReportScope, report_to_json, rows_to_csv
    from kiosk.services.reports import range_rows

    if args.last < args.first:
        raise CommandError(f"--to {args.last} is before --from {args.first}")
    if (args.last - args.first).days >= MAX_RANGE_DAYS:
        raise CommandError(
            f"a range covers at most {MAX_RANGE_DAYS} days; split the export"
        )
    if args.format == "pdf" and args.out is None and sys.stdout.isatty():
        raise CommandError("a PDF goes to a file: add --out PATH")
    store = open_store(config)
    try:
        member = sign_in(config, args, clock, store, principal=False)
        confidential = bool(member and member.sees_confidential)
        with store.read() as session:
            rows = range_rows(
                session,
                config.kiosk.school,
                args.first,
                args.last,
                config.zone,
                confidential=confidential,
            )
    finally:
        store.close()
    scope = ReportScope(
        school=config.kiosk.school,
        school_name=config.school_name,
        first=args.first,
        last=args.last,
        generated_at=clock.now().astimezone(config.zone),
        zone=config.zone,
        prepared_for=member.display_name if member else "",
        confidential=confidential,
    )
    if args.format == "csv":
        data = rows_to_csv(rows, confidential).encode("utf-8")
    elif args.format == "json":
        data = (report_to_json(rows, scope) + "\n").encode("utf-8")
    else:
        from kiosk.services.pdf import report_pdf

        data = report_pdf(rows, scope)
    _write_output(data, args.out)
    if args.out is not None:
        print(f"wrote {args.out}: {counted(len(rows), 'visit')}, {scope.period}")
    return EXIT_OK


def report_digest(config: Config, args: argparse.Namespace, clock: Clock) -> int:
    from kiosk.assembly import open_store
    from kiosk.services.digest import build_digest
    from kiosk.services.export import ReportScope

    day = args.date or _today(config, clock)
    store = open_store(config)
    try:
        member = sign_in(config, args, clock, store, principal=True)
        assert member is not None
        with store.read() as session:
            digest = build_digest(
                session,
                config.kiosk.school,
                day,
                config.zone,
                long_visit_factor=config.review.long_visit_factor,
                window_days=config.review.expiry_warning_days,
            )
    finally:
        store.close()
    if args.format == "pdf":
        from kiosk.services.pdf import digest_pdf

        scope = ReportScope(
            school=config.kiosk.school,
            school_name=config.school_name,
            first=day,
            last=day,
            generated_at=clock.now().astimezone(config.zone),
            zone=config.zone,
            prepared_for=member.display_name,
            confidential=True,
        )
        _write_output(digest_pdf(digest, scope), args.out)
        if args.out is not None:
            print(f"wrote {args.out}: {counted(digest.item_count, 'item')}")
        return EXIT_OK
    from kiosk.services.digest import digest_to_text

    _write_output(digest_to_text(digest).encode("utf-8"), args.out)
    return EXIT_OK


def report_verify(config: Config, args: argparse.Namespace, clock: Clock) -> int:
    from kiosk.assembly import open_store
    from kiosk.services.integrity import describe, verify_chain

    store = open_store(config)
    try:
        with store.read() as session:
            result = verify_chain(session)
    finally:
        store.close()
    print(describe(result, config.zone))
    return EXIT_OK if result.ok else EXIT_FAILURE


def _close_day(config: Config, clock: Clock) -> list[int]:
    from kiosk.assembly import open_store, station_for
    from kiosk.services.closing import close_open_visits

    store = open_store(config)
    try:
        return close_open_visits(
            store,
            station_for(config).source,
            clock.now(),
            config.zone,
            config.closing_time,
        )
    finally:
        store.close()


def report_close_day(config: Config, args: argparse.Namespace, clock: Clock) -> int:
    marked = _close_day(config, clock)
    print(f"marked {counted(len(marked), 'visit')} not signed out")
    for visit_id in marked:
        print(f"  visit {visit_id}")
    return EXIT_OK


def report_time_out(config: Config, args: argparse.Namespace, clock: Clock) -> int:
    from kiosk.assembly import open_store, station_for
    from kiosk.services.closing import ClosingError, local_instant, record_time_out
    from kiosk.store.models import Visit

    store = open_store(config)
    try:
        member = sign_in(config, args, clock, store, principal=True)
        assert member is not None
        with store.read() as session:
            visit = session.get(Visit, args.visit_id)
            began = visit.signed_in_at if visit is not None else None
        if began is None:
            raise CommandError(f"no signed-in visit {args.visit_id}")
        day = args.date or began.astimezone(config.zone).date()
        try:
            time_out = local_instant(day, args.at, config.zone)
            record_time_out(
                store,
                station_for(config).source,
                clock.now(),
                member,
                args.visit_id,
                time_out,
                args.note,
            )
        except ClosingError as exc:
            raise CommandError(f"time out not recorded: {exc}") from exc
    finally:
        store.close()
    print(f"visit {args.visit_id}: time out {day} {args.at} recorded")
    return EXIT_OK


def _purge(config: Config, clock: Clock) -> str:
    from kiosk.assembly import open_store, station_for
    from kiosk.services.retention import RetentionError, purge

    if config.retention.days == 0:
        return "retention is off ([retention] days = 0); nothing purged"
    store = open_store(config)
    try:
        result = purge(
            store,
            station_for(config).source,
            clock.now(),
            config.zone,
            config.retention.days,
        )
    except RetentionError as exc:
        raise CommandError(str(exc)) from exc
    finally:
        store.close()
    return (
        f"purged {counted(result.visits, 'visit')} and "
        f"{counted(result.events, 'event')} from before "
        f"{result.cutoff}"
        + (
            f" (logged as event {result.checkpoint_event_id})"
            if result.checkpoint_event_id
            else ""
        )
    )


def report_purge(config: Config, args: argparse.Namespace, clock: Clock) -> int:
    print(_purge(config, clock))
    return EXIT_OK


def _expire_alerts(config: Config, clock: Clock) -> list[int]:
    from kiosk.assembly import open_store, station_for
    from kiosk.services.alerts import expire_stale_alerts

    store = open_store(config)
    try:
        return expire_stale_alerts(
            store,
            station_for(config).source,
            clock.now(),
            timedelta(minutes=config.desk.alert_timeout_minutes),
        )
    finally:
        store.close()


def report_daily(config: Config, args: argparse.Namespace, clock: Clock) -> int:
    marked = _close_day(config, clock)
    print(f"marked {counted(len(marked), 'visit')} not signed out")
    expired = _expire_alerts(config, clock)
    print(f"marked {counted(len(expired), 'alert')} timed out")
    print(_purge(config, clock))
    return EXIT_OK
