"""Read and check the district roster (the CSV pair or the JSON document).

Reading is all-or-nothing: the first bad row rejects the whole file with its
line or entry number, the column and the reason, and nothing is stored. The
format is described in docs/roster-format.md.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from kiosk.services.codes import badge_key, has_control_characters

JSON_FORMAT = "partner-roster/1"
JSON_TOP_LEVEL_KEYS = frozenset({"format", "generated_at", "organizations", "people"})

ORGANIZATION_COLUMNS = (
    "org_id",
    "name",
    "kind",
    "agreement_type",
    "agreement_status",
    "agreement_signed_on",
    "agreement_starts_on",
    "agreement_ends_on",
    "schools",
)
PEOPLE_COLUMNS = (
    "person_id",
    "org_id",
    "first_name",
    "middle_name",
    "last_name",
    "date_of_birth",
    "role",
    "badge_code",
    "id_jurisdiction",
    "id_number_last4",
    "check_completed_on",
    "check_source",
    "offense_report",
    "status",
)

ORGANIZATION_KINDS = ("community_partner", "academic_services_contractor")
AGREEMENT_TYPES = ("MOU", "contract")
AGREEMENT_STATUSES = ("draft", "pending_signature", "signed", "terminated")
ROLES = ("staff", "volunteer")
CHECK_SOURCES = ("district", "other_missouri_district")
OFFENSE_REPORTS = ("none", "pending", "cleared", "unsuitable")
PERSON_STATUSES = ("active", "inactive")

MAX_TEXT = 200


class RosterError(Exception):
    """The roster was rejected; the message names the place and the reason."""


@dataclass(frozen=True)
class OrganizationRow:
    org_id: str
    name: str
    kind: str
    agreement_type: str
    agreement_status: str
    agreement_signed_on: date | None
    agreement_starts_on: date
    agreement_ends_on: date | None
    schools: tuple[str, ...]


@dataclass(frozen=True)
class PersonRow:
    person_id: str
    org_id: str
    first_name: str
    middle_name: str
    last_name: str
    date_of_birth: date
    role: str
    badge_code: str
    id_jurisdiction: str
    id_number_last4: str
    check_completed_on: date | None
    check_source: str
    offense_report: str
    status: str


@dataclass(frozen=True)
class Roster:
    organizations: tuple[OrganizationRow, ...]
    people: tuple[PersonRow, ...]
    source_format: str
    """``csv`` or ``json``."""
    sha256: str
    """Digest of the files read, for the import record."""


class _Row:
    """One CSV row or JSON entry being checked; errors name where it came from."""

    def __init__(self, where: str, values: dict[str, Any]) -> None:
        self.where = where
        self.values = values

    def fail(self, column: str, reason: str) -> RosterError:
        return RosterError(f"{self.where}, column {column}: {reason}")

    def raw(self, column: str) -> Any:
        return self.values.get(column)

    def text(
        self, column: str, *, required: bool = True, max_length: int = MAX_TEXT
    ) -> str:
        value = self.values.get(column)
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise self.fail(column, f"expected text, got {value!r}")
        value = value.strip()
        if required and not value:
            raise self.fail(column, "missing value")
        if len(value) > max_length:
            raise self.fail(column, f"longer than {max_length} characters")
        if has_control_characters(value):
            raise self.fail(column, "contains control characters")
        return value

    def choice(self, column: str, allowed: tuple[str, ...]) -> str:
        value = self.text(column)
        if value not in allowed:
            raise self.fail(column, f"{value!r} is not one of {', '.join(allowed)}")
        return value

    def date(self, column: str, *, required: bool) -> date | None:
        value = self.text(column, required=required)
        if not value:
            return None
        try:
            if len(value) != 10:
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            raise self.fail(column, f"{value!r} is not a date (YYYY-MM-DD)") from None


def _organization(row: _Row, schools: tuple[str, ...]) -> OrganizationRow:
    org = OrganizationRow(
        org_id=row.text("org_id", max_length=64),
        name=row.text("name"),
        kind=row.choice("kind", ORGANIZATION_KINDS),
        agreement_type=row.choice("agreement_type", AGREEMENT_TYPES),
        agreement_status=row.choice("agreement_status", AGREEMENT_STATUSES),
        agreement_signed_on=row.date("agreement_signed_on", required=False),
        agreement_starts_on=row.date("agreement_starts_on", required=True),  # type: ignore[arg-type]
        agreement_ends_on=row.date("agreement_ends_on", required=False),
        schools=schools,
    )
    if org.agreement_status == "signed" and org.agreement_signed_on is None:
        raise row.fail("agreement_signed_on", "missing value for a signed agreement")
    ends = org.agreement_ends_on
    if ends is not None and ends < org.agreement_starts_on:
        raise row.fail("agreement_ends_on", f"{ends} is before agreement_starts_on")
    if not schools:
        raise row.fail("schools", "missing value ('*' or school codes)")
    for school in schools:
        if school != "*" and not school.replace("-", "").replace("_", "").isalnum():
            raise row.fail("schools", f"{school!r} is not a school code")
    return org


def _person(row: _Row) -> PersonRow:
    person = PersonRow(
        person_id=row.text("person_id", max_length=64),
        org_id=row.text("org_id", max_length=64),
        first_name=row.text("first_name"),
        middle_name=row.text("middle_name", required=False),
        last_name=row.text("last_name"),
        date_of_birth=row.date("date_of_birth", required=True),  # type: ignore[arg-type]
        role=row.choice("role", ROLES),
        badge_code=row.text("badge_code"),
        id_jurisdiction=row.text(
            "id_jurisdiction", required=False, max_length=3
        ).upper(),
        id_number_last4=row.text("id_number_last4", required=False, max_length=4),
        check_completed_on=row.date("check_completed_on", required=False),
        check_source=row.text("check_source", required=False),
        offense_report=row.choice("offense_report", OFFENSE_REPORTS),
        status=row.choice("status", PERSON_STATUSES),
    )
    if bool(person.id_jurisdiction) != bool(person.id_number_last4):
        raise row.fail(
            "id_number_last4", "id_jurisdiction and id_number_last4 go together"
        )
    if person.check_completed_on is None and person.check_source:
        raise row.fail("check_source", "given without check_completed_on")
    if (
        person.check_completed_on is not None
        and person.check_source not in CHECK_SOURCES
    ):
        raise row.fail(
            "check_source",
            f"{person.check_source!r} is not one of {', '.join(CHECK_SOURCES)}",
        )
    _check_badge_scans_as_itself(row, person.badge_code)
    return person


def _check_badge_scans_as_itself(row: _Row, code: str) -> None:
    """Reject a badge code a scanner could never deliver as this badge: one
    that reads as a sign-out code, a licence, or AIM framing (``]C1``)."""
    from kiosk.services.identify import BadgeScan, LicenceScan, SignOutScan, classify

    scanned = classify(code.encode("utf-8"))
    if isinstance(scanned, BadgeScan) and scanned.key == badge_key(code):
        return
    if isinstance(scanned, SignOutScan):
        what = "a sign-out code"
    elif isinstance(scanned, LicenceScan):
        what = "licence data"
    elif isinstance(scanned, BadgeScan):
        what = f"the badge {scanned.key!r} (scanner framing removed)"
    else:
        what = f"unreadable ({scanned.reason})"
    raise row.fail("badge_code", f"{code!r} would scan as {what}, not as this badge")


def _check_not_empty(organizations: list, people: list) -> None:
    if not organizations:
        raise RosterError(
            "the roster lists no organizations; an empty export is refused"
        )
    if not people:
        raise RosterError("the roster lists no people; an empty export is refused")


def _check_whole(
    organizations: list[OrganizationRow], people: list[tuple[str, PersonRow]]
) -> None:
    """Check what spans rows: unique ids and badge codes, known organizations."""
    _check_not_empty(organizations, people)
    org_ids: set[str] = set()
    for org in organizations:
        if org.org_id in org_ids:
            raise RosterError(f"organization {org.org_id}, column org_id: duplicate id")
        org_ids.add(org.org_id)
    person_ids: dict[str, str] = {}
    badges: dict[str, str] = {}
    for where, person in people:
        if person.person_id in person_ids:
            raise RosterError(
                f"{where}, column person_id: duplicate id {person.person_id!r}"
            )
        person_ids[person.person_id] = where
        if person.org_id not in org_ids:
            raise RosterError(
                f"{where}, column org_id: unknown organization {person.org_id!r}"
            )
        key = badge_key(person.badge_code)
        if key in badges:
            raise RosterError(
                f"{where}, column badge_code: same badge code as person {badges[key]}"
            )
        badges[key] = person.person_id


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise RosterError(
            f"{path.name}, line {line}: not UTF-8 text (byte {exc.start}); "
            "export the file as UTF-8"
        ) from None


def _csv_rows(path: Path, text: str, columns: tuple[str, ...]) -> Iterator[_Row]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        raise RosterError(f"{path.name}, line 1: {exc}") from None
    if len(header) == 1 and ";" in header[0]:
        raise RosterError(
            f"{path.name}, line 1: columns are separated by ';'; "
            "export the file with commas between columns"
        )
    missing = [column for column in columns if column not in header]
    if missing:
        raise RosterError(f"{path.name}, line 1: missing column {missing[0]}")
    unknown = [column for column in header if column not in columns]
    if unknown:
        raise RosterError(f"{path.name}, line 1: unknown column {unknown[0]!r}")
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # The line that failed is not counted yet.
            line = reader.line_num + 1
            raise RosterError(f"{path.name}, line {line}: {exc}") from None
        where = f"{path.name}, line {reader.line_num}"
        if None in values:
            raise RosterError(f"{where}: more fields than columns")
        if any(value is None for value in values.values()):
            raise RosterError(f"{where}: fewer fields than columns")
        yield _Row(where, values)


def _split_schools(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";") if part.strip())


def read_csv_pair(organizations_path: Path, people_path: Path) -> Roster:
    org_text, people_text = _read_text(organizations_path), _read_text(people_path)
    organizations = [
        _organization(row, _split_schools(row.text("schools")))
        for row in _csv_rows(organizations_path, org_text, ORGANIZATION_COLUMNS)
    ]
    people = [
        (row.where, _person(row))
        for row in _csv_rows(people_path, people_text, PEOPLE_COLUMNS)
    ]
    _check_whole(organizations, people)
    digest = hashlib.sha256((org_text + "\0" + people_text).encode()).hexdigest()
    return Roster(tuple(organizations), tuple(p for _, p in people), "csv", digest)


def _json_entries(
    document: dict[str, Any], key: str, columns: tuple[str, ...]
) -> Iterator[_Row]:
    entries = document.get(key)
    if not isinstance(entries, list):
        raise RosterError(f"roster document: {key!r} must be a list")
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise RosterError(f"{key} entry {number}: expected an object")
        where = f"{key} entry {number}"
        duplicates = getattr(entry, "duplicates", [])
        if duplicates:
            raise RosterError(f"{where}, column {duplicates[0]}: duplicate key")
        unknown = [name for name in entry if name not in columns]
        if unknown:
            raise RosterError(f"{where}, column {unknown[0]}: unknown key")
        missing = [name for name in columns if name not in entry]
        if missing:
            raise RosterError(f"{where}, column {missing[0]}: missing key")
        yield _Row(where, entry)


def _json_schools(row: _Row) -> tuple[str, ...]:
    value = row.raw("schools")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise row.fail("schools", "expected a list of school codes")
    return tuple(v.strip() for v in value if v.strip())


class _JsonObject(dict):
    """A JSON object that remembers keys given more than once, which plain
    ``json.loads`` would silently collapse to the last value."""

    duplicates: list[str]

    @classmethod
    def from_pairs(cls, pairs: list[tuple[str, Any]]) -> _JsonObject:
        made = cls(pairs)
        seen: set[str] = set()
        made.duplicates = []
        for key, _value in pairs:
            if key in seen:
                made.duplicates.append(key)
            seen.add(key)
        return made


def read_json(path: Path) -> Roster:
    text = _read_text(path)
    try:
        document = json.loads(text, object_pairs_hook=_JsonObject.from_pairs)
    except json.JSONDecodeError as exc:
        raise RosterError(
            f"{path.name}, line {exc.lineno}: invalid JSON: {exc.msg}"
        ) from None
    except RecursionError:
        raise RosterError(f"{path.name}: invalid JSON: nested too deeply") from None
    if not isinstance(document, dict) or document.get("format") != JSON_FORMAT:
        raise RosterError(f"{path.name}: 'format' must be {JSON_FORMAT!r}")
    if document.duplicates:
        raise RosterError(f"{path.name}: duplicate key {document.duplicates[0]!r}")
    unknown = sorted(set(document) - JSON_TOP_LEVEL_KEYS)
    if unknown:
        raise RosterError(f"{path.name}: unknown key {unknown[0]!r}")
    organizations = [
        _organization(row, _json_schools(row))
        for row in _json_entries(document, "organizations", ORGANIZATION_COLUMNS)
    ]
    people = [
        (row.where, _person(row))
        for row in _json_entries(document, "people", PEOPLE_COLUMNS)
    ]
    _check_whole(organizations, people)
    digest = hashlib.sha256(text.encode()).hexdigest()
    return Roster(tuple(organizations), tuple(p for _, p in people), "json", digest)


def _header(path: Path) -> str:
    with path.open("rb") as handle:
        return handle.readline().decode("utf-8-sig", "replace")


def read_roster(paths: Iterable[Path]) -> Roster:
    """Read a roster from a JSON file, a CSV pair (any order), or a folder holding
    ``roster.json`` or ``organizations.csv`` and ``people.csv``."""
    paths = list(paths)
    if len(paths) == 1 and paths[0].is_dir():
        folder = paths[0]
        if (folder / "roster.json").exists():
            paths = [folder / "roster.json"]
        else:
            paths = [folder / "organizations.csv", folder / "people.csv"]
    for path in paths:
        if not path.is_file():
            raise RosterError(f"{path}: file not found")
    if len(paths) == 1 and paths[0].suffix.lower() == ".json":
        return read_json(paths[0])
    if len(paths) == 2:
        by_kind = {}
        for path in paths:
            first_column = re.split(r"[,;]", _header(path))[0].strip().strip('"')
            by_kind[first_column] = path
        if set(by_kind) == {"org_id", "person_id"}:
            return read_csv_pair(by_kind["org_id"], by_kind["person_id"])
    raise RosterError(
        "expected roster.json, or organizations.csv and people.csv "
        f"(got {', '.join(p.name for p in paths)})"
    )
