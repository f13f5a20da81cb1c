"""Property tests and a fuzz run of the AAMVA parser.

The property tests build valid cards of every version, country and document
type, mangle their separators as scanners do, and check that the parser gets
every field back. The fuzz run feeds 100,000 byte-mutated payloads to the
parser (and a share of them through ``classify``), where nothing but
AamvaError may escape. Both are derandomized so CI runs the same inputs.
"""

from __future__ import annotations

import contextlib
import random
import string
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.services import aamva
from kiosk.services.identify import classify
from tests.aamva_cards import MANGLERS, Card, encode, shuffled
from tests.aamva_expected import FIXTURE_CARDS, PUBLIC_CARDS, read_fixture, read_public

FUZZ_INPUTS = 100_000
"""Mutated payloads the fuzz run parses."""

PROPERTY = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=400,
    suppress_health_check=[HealthCheck.too_slow],
)

_LETTERS = string.ascii_uppercase


@st.composite
def words(draw, max_words: int = 3) -> str:
    """A name of one to ``max_words`` words with hyphens and apostrophes inside."""
    count = draw(st.integers(1, max_words))
    parts = []
    for _ in range(count):
        word = draw(st.text(_LETTERS, min_size=1, max_size=12))
        joiner = draw(st.sampled_from(["", "-", "'"]))
        if joiner:
            word += joiner + draw(st.text(_LETTERS, min_size=1, max_size=8))
        parts.append(word)
    name = " ".join(parts)
    return name if name != "NONE" else "NONEX"


@st.composite
def cards(draw) -> Card:
    version = draw(st.integers(1, 10))
    canadian = draw(st.booleans())
    # Given names of versions 1 to 3 sit in one field split at spaces and
    # commas, so the first name there is one word.
    first = draw(words(max_words=1 if version <= 3 else 2))
    middle = draw(st.one_of(st.just(""), words(max_words=2)))
    last = draw(words(max_words=3))
    if version == 1:
        last = last.replace(",", "")
    truncation = version >= 4
    number_characters = string.ascii_uppercase + string.digits + " -"
    number = st.text(number_characters, min_size=4, max_size=20).filter(
        lambda text: sum(ch.isalnum() for ch in text) >= 4
    )
    expires = st.one_of(st.none(), st.dates(date(2000, 1, 1), date(2099, 1, 1)))
    return Card(
        first=first,
        middle=middle,
        last=last,
        born=draw(st.dates(date(1900, 1, 1), date(2099, 12, 31))),
        expires=draw(expires),
        jurisdiction=draw(st.sampled_from(["ON", "AB"] if canadian else ["MO", "KS"])),
        number=draw(number),
        version=version,
        canadian=canadian,
        document_type=draw(st.sampled_from(["DL", "ID"])),
        last_truncated=truncation and draw(st.booleans()),
        first_truncated=truncation and draw(st.booleans()),
        middle_truncated=truncation and bool(middle) and draw(st.booleans()),
    )


@PROPERTY
@given(
    card=cards(),
    manglers=st.lists(st.sampled_from(sorted(MANGLERS)), unique=True),
    seed=st.one_of(st.none(), st.integers(0, 1000)),
    file_type=st.sampled_from(["ANSI ", "AAMVA"]),
)
def test_parse_recovers_fields(card, manglers, seed, file_type):
    text = encode(card, order=shuffled(seed) if seed is not None else None,
                  file_type=file_type)  # fmt: skip
    for name in manglers:
        text = MANGLERS[name](text)

    licence = aamva.parse(text)

    assert licence.first_name == card.first
    assert " ".join(licence.middle_name.split()) == " ".join(card.middle.split())
    assert licence.last_name == card.last
    assert licence.date_of_birth == card.born
    assert licence.expires_on == card.expires
    assert licence.jurisdiction == card.jurisdiction
    digits = "".join(ch for ch in card.number if ch.isalnum())
    assert licence.number_last4 == digits[-4:]
    assert licence.version == card.version
    assert licence.document_type == card.document_type
    assert licence.last_name_truncated == card.last_truncated
    assert licence.first_name_truncated == card.first_truncated
    assert licence.middle_name_truncated == card.middle_truncated


@PROPERTY
@given(st.text(max_size=600))
def test_parse_any_text_raises_only_aamva_error(text):
    with contextlib.suppress(aamva.AamvaError):
        aamva.parse(text)


@PROPERTY
@given(st.binary(max_size=600))
def test_classify_any_bytes_never_raises(payload):
    classify(payload)


def _seeds() -> list[bytes]:
    seeds = [read_public(name).encode() for name in PUBLIC_CARDS]
    seeds += [read_fixture(name).encode() for name in FIXTURE_CARDS]
    rng = random.Random(7)
    for version in range(1, 11):
        card = Card(version=version, canadian=rng.random() < 0.5, middle="LEE")
        seeds.append(encode(card).encode())
    return seeds


def _mutate(rng: random.Random, data: bytes, seeds: list[bytes]) -> bytes:
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        where = rng.randrange(len(buffer) + 1)
        action = rng.randrange(8)
        if action == 0 and buffer:
            buffer[min(where, len(buffer) - 1)] = rng.randrange(256)
        elif action == 1:
            buffer[where:where] = bytes([rng.randrange(256)])
        elif action == 2:
            del buffer[where : where + rng.randint(1, 32)]
        elif action == 3:
            start = rng.randrange(len(buffer) + 1)
            buffer[where:where] = buffer[start : start + rng.randint(1, 64)]
        elif action == 4:
            other = rng.choice(seeds)
            start = rng.randrange(len(other) + 1)
            buffer[where:] = other[start:]
        elif action == 5:
            buffer[where:where] = rng.choice(
                [b"\n", b"\r", b"\x1e", b"\x00", b"@", b"ANSI ", b"DL", b"DAQ",
                 b"DBB", b"DAA", b",", b"NONE", b"99999999", b"\xef\xbb\xbf"]
            )  # fmt: skip
        elif action == 6:
            del buffer[where:]
        else:
            for i in range(where, min(len(buffer), where + rng.randint(1, 8))):
                buffer[i] = rng.choice(b"0123456789")
    return bytes(buffer)


def test_fuzz_parser_raises_only_aamva_error():
    rng = random.Random(20261204)
    seeds = _seeds()
    parsed = rejected = 0
    for i in range(FUZZ_INPUTS):
        payload = _mutate(rng, rng.choice(seeds), seeds)
        # Latin-1 gives every byte a character, so control bytes reach the
        # parser; UTF-8 with replacement gives what classify would see.
        encoding = "latin-1" if i % 2 else "utf-8"
        text = payload.decode(encoding, errors="replace")
        try:
            aamva.parse(text)
        except aamva.AamvaError:
            rejected += 1
        else:
            parsed += 1
        if i % 10 == 0:
            classify(payload)
    assert parsed + rejected == FUZZ_INPUTS
    # Both outcomes must be common, or the mutations test only one path.
    assert parsed > FUZZ_INPUTS // 20
    assert rejected > FUZZ_INPUTS // 20
