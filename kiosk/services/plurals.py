"""Counts written out with the noun in its English singular or plural form."""

from __future__ import annotations


def counted(count: int, singular: str, plural: str = "") -> str:
    """Return ``count`` and its noun, for example "1 visit", "2 visits",
    "0 people"; ``plural`` defaults to ``singular`` with an "s"."""
    noun = singular if count == 1 else (plural or f"{singular}s")
    return f"{count} {noun}"
