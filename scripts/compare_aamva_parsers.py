"""Compare our AAMVA parser with the ``aamva-parser`` package from PyPI.

Both read every AAMVA sample in the shared test data: third-party public
samples and the kiosk's fictional licences. Each is read as stored and in each
form a keyboard-wedge scanner delivers: LF as CR, LF as CRLF, record separator
dropped, trailing spaces, ``AAMVA`` file type, elements in reverse order. A
card counts as read when all seven fields that matching uses come out right.
Then both parse byte-mutated inputs, and the script counts exceptions that are
not the parser's own error type.

Run from the repository root with the package importable, for example:

    pip install --target /tmp/aamva-lib aamva-parser==0.1.2
    PYTHONPATH=/tmp/aamva-lib .venv/bin/python scripts/compare_aamva_parsers.py
"""

from __future__ import annotations

import random
import re
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.services import aamva
from tests.aamva_expected import (
    FIXTURE_CARDS,
    PUBLIC_CARDS,
    CardFacts,
    read_fixture,
    read_public,
)

FIELDS = CardFacts._fields


def _alnum_last4(number: str | None) -> str:
    return "".join(ch for ch in number or "" if ch.isalnum())[-4:].upper()


def ours(text: str) -> CardFacts:
    card = aamva.parse(text)
    return CardFacts(
        card.first_name,
        card.middle_name,
        card.last_name,
        card.date_of_birth,
        card.jurisdiction,
        card.number_last4,
        card.expires_on,
    )


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


def theirs(text: str) -> CardFacts:
    import aamva_parser

    card = aamva_parser.parse(text)
    return CardFacts(
        card.first_name or "",
        card.middle_name or "",
        card.last_name or "",
        _day(card.date_of_birth),
        card.state or "",
        _alnum_last4(card.drivers_license_id),
        _day(card.expiration_date),
    )


def _reverse_elements(text: str) -> str:
    lines = text.split("\n")
    head, body = lines[:3], [line for line in lines[3:] if line]
    return "\n".join(head + body[::-1]) + "\n"


VARIANTS: dict[str, Callable[[str], str]] = {
    "as stored": lambda text: text,
    "LF as CR": lambda text: text.replace("\r\n", "\n").replace("\n", "\r"),
    "LF as CRLF": lambda text: text.replace("\r\n", "\n").replace("\n", "\r\n"),
    "RS dropped": lambda text: text.replace("\x1e", ""),
    "trailing spaces": lambda text: re.sub(r"(?m)$", "   ", text),
    "AAMVA file type": lambda text: text.replace("ANSI ", "AAMVA", 1),
    "reverse order": _reverse_elements,
}


def _samples() -> list[tuple[str, str, CardFacts]]:
    samples = [(name, read_public(name), facts) for name, facts in PUBLIC_CARDS.items()]
    samples += [
        (name, read_fixture(name), facts) for name, facts in FIXTURE_CARDS.items()
    ]
    return samples


def _score(parse: Callable[[str], CardFacts], text: str, expected: CardFacts):
    try:
        got = parse(text)
    except Exception as exc:
        return False, {f"raised {type(exc).__name__}"}
    wrong = {
        field
        for field, want, have in zip(FIELDS, expected, got, strict=True)
        if (want.upper() if isinstance(want, str) else want)
        != (have.upper() if isinstance(have, str) else have)
    }
    return not wrong, wrong


def _mutate(rng: random.Random, data: bytes) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        choice = rng.randrange(4)
        where = rng.randrange(len(data) + 1)
        if choice == 0 and data:
            data[min(where, len(data) - 1)] = rng.randrange(256)
        elif choice == 1:
            data[where:where] = bytes([rng.randrange(256)])
        elif choice == 2:
            del data[where : where + rng.randint(1, 16)]
        else:
            data[where:where] = data[: rng.randint(0, 32)]
    return bytes(data)


def _fuzz(parse: Callable[[str], object], own: tuple[type[BaseException], ...], n: int):
    rng = random.Random(20261204)
    seeds = [text.encode() for _, text, _ in _samples()]
    escaped: dict[str, int] = {}
    for _ in range(n):
        text = _mutate(rng, rng.choice(seeds)).decode("utf-8", "replace")
        try:
            parse(text)
        except own:
            pass
        except Exception as exc:
            escaped[type(exc).__name__] = escaped.get(type(exc).__name__, 0) + 1
    return escaped


def main() -> None:
    import aamva_parser

    parsers = {"ours": ours, f"aamva-parser {aamva_parser.__version__}": theirs}
    samples = _samples()
    print(f"{len(samples)} cards x {len(VARIANTS)} forms\n")
    print("| form | " + " | ".join(parsers) + " |")
    print("|---|" + "---:|" * len(parsers))
    misses: dict[str, dict[str, set[str]]] = {name: {} for name in parsers}
    totals = dict.fromkeys(parsers, 0)
    for form, variant in VARIANTS.items():
        row = []
        for name, parse in parsers.items():
            good = 0
            for sample, text, expected in samples:
                ok, wrong = _score(parse, variant(text), expected)
                good += ok
                if not ok and form == "as stored":
                    misses[name][sample] = wrong
            totals[name] += good
            row.append(f"{good}/{len(samples)}")
        print(f"| {form} | " + " | ".join(row) + " |")
    every = len(samples) * len(VARIANTS)
    print("| all | " + " | ".join(f"{totals[n]}/{every}" for n in parsers) + " |")
    for name, missed in misses.items():
        print(f"\n{name}, wrong fields as stored:")
        for sample, wrong in missed.items():
            print(f"  {sample}: {', '.join(sorted(wrong))}")
    n = 20_000
    print(f"\nexceptions other than the parser's own error over {n} mutated inputs:")
    print(f"  ours: {_fuzz(ours, (aamva.AamvaError,), n) or 'none'}")
    print(f"  aamva-parser: {_fuzz(theirs, (), n) or 'none'}")


if __name__ == "__main__":
    main()
