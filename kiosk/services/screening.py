"""District partner policy: decide whether a person may work in a school today.

Pure functions: no I/O and no clock. ``today`` is the school's local date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

# Public reason codes, in the order they are reported.
NOT_ON_ROSTER = "not_on_roster"
AMBIGUOUS_MATCH = "ambiguous_match"
PERSON_INACTIVE = "person_inactive"
AGREEMENT_NOT_SIGNED = "agreement_not_signed"
AGREEMENT_NOT_STARTED = "agreement_not_started"
AGREEMENT_EXPIRED = "agreement_expired"
AGREEMENT_TERMINATED = "agreement_terminated"
SCHOOL_NOT_COVERED = "school_not_covered"
CHECK_MISSING = "check_missing"
CHECK_EXPIRED = "check_expired"
REFER_TO_PRINCIPAL = "refer_to_principal"

# Notice that goes with an admission.
CHECK_RENEWAL_DUE = "check_renewal_due"

# Confidential reasons behind REFER_TO_PRINCIPAL; shown to principals only.
OFFENSE_REPORT_PENDING = "offense_report_pending"
FOUND_UNSUITABLE = "found_unsuitable"

REASON_ORDER = (
    NOT_ON_ROSTER,
    AMBIGUOUS_MATCH,
    PERSON_INACTIVE,
    AGREEMENT_NOT_SIGNED,
    AGREEMENT_NOT_STARTED,
    AGREEMENT_EXPIRED,
    AGREEMENT_TERMINATED,
    SCHOOL_NOT_COVERED,
    CHECK_MISSING,
    CHECK_EXPIRED,
    REFER_TO_PRINCIPAL,
)


@dataclass(frozen=True)
class AgreementFacts:
    status: str
    """``draft``, ``pending_signature``, ``signed`` or ``terminated``."""
    signed_on: date | None
    starts_on: date
    ends_on: date | None
    """Last day in force (inclusive); None means open-ended."""
    schools: tuple[str, ...]
    """School codes covered; ``"*"`` covers every school."""


@dataclass(frozen=True)
class PersonFacts:
    person_id: str
    status: str
    """``active`` or ``inactive``."""
    agreement: AgreementFacts | None
    check_completed_on: date | None
    offense_report: str = "none"
    """``none``, ``pending``, ``cleared`` or ``unsuitable``."""


@dataclass(frozen=True)
class Decision:
    admitted: bool
    reasons: tuple[str, ...] = ()
    """Public reason codes for a refusal, in REASON_ORDER."""
    notices: tuple[str, ...] = ()
    """Notices that go with an admission (``check_renewal_due``)."""
    confidential: tuple[str, ...] = field(default=())
    """Which confidential rule lies behind ``refer_to_principal``."""


def first_anniversary(completed_on: date) -> date:
    """Return the date one year after ``completed_on``; 29 February maps to 1 March."""
    try:
        return completed_on.replace(year=completed_on.year + 1)
    except ValueError:
        return date(completed_on.year + 1, 3, 1)


def check_valid_through(completed_on: date) -> date:
    """Return the last day a check completed on ``completed_on`` is valid."""
    return first_anniversary(completed_on) - timedelta(days=1)


def agreement_reasons(
    agreement: AgreementFacts | None, school: str, today: date
) -> list[str]:
    """Return every agreement rule the organization fails at ``school`` today."""
    if agreement is None:
        return [AGREEMENT_NOT_SIGNED]
    reasons = []
    if agreement.status == "terminated":
        reasons.append(AGREEMENT_TERMINATED)
    elif (
        agreement.status != "signed"
        or agreement.signed_on is None
        or agreement.signed_on > today
    ):
        # A signing date after today means it was not yet signed today.
        reasons.append(AGREEMENT_NOT_SIGNED)
    if today < agreement.starts_on:
        reasons.append(AGREEMENT_NOT_STARTED)
    if agreement.ends_on is not None and today > agreement.ends_on:
        reasons.append(AGREEMENT_EXPIRED)
    if "*" not in agreement.schools and school not in agreement.schools:
        reasons.append(SCHOOL_NOT_COVERED)
    return reasons


def screen(
    person: PersonFacts, school: str, today: date, renewal_notice_days: int = 30
) -> Decision:
    """Apply every rule and report every one that fails, not just the first.

    A check counts the same whatever its source: the district's own, or a copy
    of another Missouri public school's (``other_missouri_district``).
    """
    reasons: list[str] = []
    confidential: list[str] = []

    if person.status != "active":
        reasons.append(PERSON_INACTIVE)
    reasons.extend(agreement_reasons(person.agreement, school, today))

    anniversary = None
    if person.check_completed_on is None or person.check_completed_on > today:
        # A check dated after today was not on file today.
        reasons.append(CHECK_MISSING)
    else:
        anniversary = first_anniversary(person.check_completed_on)
        if today >= anniversary:
            reasons.append(CHECK_EXPIRED)

    if person.offense_report == "pending":
        confidential.append(OFFENSE_REPORT_PENDING)
    elif person.offense_report == "unsuitable":
        confidential.append(FOUND_UNSUITABLE)
    if confidential:
        reasons.append(REFER_TO_PRINCIPAL)

    if reasons:
        ordered = tuple(sorted(reasons, key=REASON_ORDER.index))
        return Decision(
            admitted=False, reasons=ordered, confidential=tuple(confidential)
        )

    notices = ()
    if anniversary is not None and (anniversary - today).days <= renewal_notice_days:
        notices = (CHECK_RENEWAL_DUE,)
    return Decision(admitted=True, notices=notices)
