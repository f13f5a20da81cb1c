"""Match a licence to the roster by date of birth, names and document number.

The caller passes the people on the roster who share the licence's date of
birth. Among them, a person matches when their names are the licence's names
after folding case, accents, hyphens, apostrophes and spaces. A name that the
licence marks truncated matches by prefix. Where the roster holds a person's
document jurisdiction and last four characters, a match on both picks that
person and a mismatch rules them out.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from kiosk.services.aamva import Licence
from kiosk.services.screening import AMBIGUOUS_MATCH, NOT_ON_ROSTER

# Hyphens and dashes, apostrophes and quotes, periods and commas. White space
# of every kind is removed separately.
_DROPPED = str.maketrans(
    "", "", "-\u2010\u2011\u2012\u2013\u2014'\u2019\u2018`\u00b4.,"
)
# Letters that Unicode does not decompose into a base letter and an accent.
_LETTERS = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "þ": "th",
     "æ": "ae", "œ": "oe"}
)  # fmt: skip
_WHITE_SPACE = re.compile(r"\s+")
_WORDS = re.compile(r"[\s,]+")
# Hyphens, dashes and apostrophes: name_token_keys also splits words at them.
_JOINERS = re.compile("[-\u2010\u2011\u2012\u2013\u2014'\u2019\u2018`\u00b4]")


def fold_name(name: str) -> str:
    """Fold case, accents, hyphens, apostrophes and spaces: ``Núñez-García`` and
    ``NUNEZ GARCIA`` give ``nunezgarcia``."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = bare.casefold().translate(_LETTERS).translate(_DROPPED)
    return _WHITE_SPACE.sub("", folded)


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
    candidates: tuple[str, ...] = ()
    """Person ids still in question for ``ambiguous_match``, for the clerk."""


def _same(roster: str, licence: str, truncated: bool) -> bool:
    roster_key, licence_key = fold_name(roster), fold_name(licence)
    if truncated:
        return bool(licence_key) and roster_key.startswith(licence_key)
    return bool(roster_key) and roster_key == licence_key


def _words(name: str) -> list[str]:
    return [word for word in map(fold_name, _WORDS.split(name)) if word]


def name_token_keys(name: str) -> set[tuple[str, ...]]:
    """Return the folded words of ``name``, sorted, split in two ways: at
    spaces and commas, and also at hyphens and apostrophes.

    Two names that share a key contain the same words in any order, so
    ``Carter, James`` shares one with ``JAMES  carter``, ``Núñez-García`` with
    ``nunez garcia``, and ``OBrien`` with ``O'Brien``. An empty name has none.
    """
    keys = set()
    for text in (name, _JOINERS.sub(" ", name)):
        words = tuple(sorted(_words(text)))
        if words:
            keys.add(words)
    return keys


def _word_agrees(one: str, other: str) -> bool:
    """Tell whether two middle-name words agree; either may be an initial."""
    if len(one) == 1 or len(other) == 1:
        return one[0] == other[0]
    return one == other


def _middle_agrees(roster: str, licence: Licence) -> bool:
    """Tell whether the middle names agree.

    A middle name missing on either side agrees, and so does an initial. The
    roster may hold fewer middle names than the licence, or more.
    """
    roster_key, licence_key = fold_name(roster), fold_name(licence.middle_name)
    if not roster_key or not licence_key or roster_key == licence_key:
        return True
    if licence.middle_name_truncated:
        return roster_key.startswith(licence_key)
    roster_words, licence_words = _words(roster), _words(licence.middle_name)
    return all(
        _word_agrees(one, other)
        for one, other in zip(roster_words, licence_words, strict=False)
    )


def _given_names_match(person: RosterName, licence: Licence) -> bool:
    if _same(
        person.first_name, licence.first_name, licence.first_name_truncated
    ) and _middle_agrees(person.middle_name, licence):
        return True
    # One side may put two given names in the first name and the other split
    # them ("María José" / "" against "MARIA" / "JOSE").
    if licence.first_name_truncated or licence.middle_name_truncated:
        return False
    roster_given = fold_name(person.first_name + person.middle_name)
    licence_given = fold_name(licence.first_name + licence.middle_name)
    return bool(roster_given) and roster_given == licence_given


def _full_name_matches(person: RosterName, licence: Licence) -> bool:
    """Compare a version 1 full name without commas, whose split is a guess,
    with the person's names in order, with and without the middle name."""
    whole = fold_name(licence.full_name)
    if not whole:
        return False
    return whole in (
        fold_name(person.first_name + person.middle_name + person.last_name),
        fold_name(person.first_name + person.last_name),
    )


def names_match(person: RosterName, licence: Licence) -> bool:
    """Tell whether the licence's names are the person's, after folding."""
    if _same(
        person.last_name, licence.last_name, licence.last_name_truncated
    ) and _given_names_match(person, licence):
        return True
    return _full_name_matches(person, licence)


def _alphanumeric(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum()).upper()


def document_agrees(person: RosterName, licence: Licence) -> bool | None:
    """Tell whether the roster's document facts for ``person`` are this
    licence's: True or False, or None when the roster does not hold them."""
    jurisdiction = person.id_jurisdiction.strip().upper()
    last4 = _alphanumeric(person.id_number_last4)
    if not jurisdiction or not last4:
        return None
    return jurisdiction == licence.jurisdiction.upper() and (
        licence.number_last4.upper().endswith(last4)
    )


def match_licence(licence: Licence, same_birthday: list[RosterName]) -> MatchOutcome:
    """Pick the one person the licence belongs to among people sharing its date
    of birth.

    A person whose document facts agree is picked over people whose roster
    entry has none; a person whose document facts disagree is ruled out.
    """
    picked: list[RosterName] = []
    unknown_document: list[RosterName] = []
    for person in same_birthday:
        if not names_match(person, licence):
            continue
        agrees = document_agrees(person, licence)
        if agrees is True:
            picked.append(person)
        elif agrees is None:
            unknown_document.append(person)
    candidates = picked or unknown_document
    if not candidates:
        return MatchOutcome(None, NOT_ON_ROSTER)
    if len(candidates) > 1:
        ids = tuple(sorted(person.person_id for person in candidates))
        return MatchOutcome(None, AMBIGUOUS_MATCH, candidates=ids)
    return MatchOutcome(candidates[0].person_id)
