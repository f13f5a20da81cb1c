"""Match a licence to the roster by date of birth, names and document number."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from kiosk.services.aamva import Licence
from kiosk.services.screening import AMBIGUOUS_MATCH, NOT_ON_ROSTER

_DROPPED = str.maketrans("", "", "-'’‘` .,")


def fold_name(name: str) -> str:
    """Fold case, accents, hyphens, apostrophes and spaces: ``Núñez-García`` and
    ``NUNEZ GARCIA`` give ``nunezgarcia``."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.casefold().translate(_DROPPED)


@dataclass(frozen=True)
class RosterName:
    """What matching needs to know of a person on the roster."""

    person_id: str
    first_name: str
    middle_name: str
    last_name: str
    id_jurisdiction: str = ""
    id_number_last4: str = ""


@dataclass(frozen=True)
class MatchOutcome:
    person_id: str | None
    reason: str | None = None
    """``not_on_roster`` or ``ambiguous_match`` when no single person matched."""


def _same(roster: str, licence: str, truncated: bool) -> bool:
    roster_key, licence_key = fold_name(roster), fold_name(licence)
    if truncated:
        return bool(licence_key) and roster_key.startswith(licence_key)
    return roster_key == licence_key


def _middle_agrees(roster: str, licence: Licence) -> bool:
    roster_key, licence_key = fold_name(roster), fold_name(licence.middle_name)
    if not roster_key or not licence_key:
        return True
    if licence.middle_name_truncated:
        return roster_key.startswith(licence_key)
    # One side may hold only the initial.
    return roster_key.startswith(licence_key) or licence_key.startswith(roster_key)


def names_match(person: RosterName, licence: Licence) -> bool:
    """Tell whether the licence's names are the person's, after folding."""
    return (
        _same(person.last_name, licence.last_name, licence.last_name_truncated)
        and _same(person.first_name, licence.first_name, licence.first_name_truncated)
        and _middle_agrees(person.middle_name, licence)
    )


def match_licence(licence: Licence, same_birthday: list[RosterName]) -> MatchOutcome:
    """Pick the one person the licence belongs to among people sharing its date
    of birth.

    Where the roster holds a person's document jurisdiction and last four
    characters, a match on both picks that person and a mismatch rules them out.
    """
    named = [person for person in same_birthday if names_match(person, licence)]
    picked, unknown_document = [], []
    for person in named:
        if person.id_jurisdiction and person.id_number_last4:
            same_document = (
                person.id_jurisdiction.upper() == licence.jurisdiction.upper()
                and person.id_number_last4.upper() == licence.number_last4.upper()
            )
            if same_document:
                picked.append(person)
        else:
            unknown_document.append(person)
    candidates = picked or unknown_document
    if not candidates:
        return MatchOutcome(None, NOT_ON_ROSTER)
    if len(candidates) > 1:
        return MatchOutcome(None, AMBIGUOUS_MATCH)
    return MatchOutcome(candidates[0].person_id)
