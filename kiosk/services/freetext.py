"""Checks for free text that people type: notes, names, reasons.

Such text is stored as typed and later shown on screens and in exports, so it
must be one line of printable characters of a bounded length.
"""

from __future__ import annotations

from kiosk.services.codes import is_control


def text_problem(text: str, max_length: int) -> str | None:
    """Return why ``text`` cannot be stored as one line of free text, or None.

    The result completes a sentence about the text, for example "contains
    the control character U+001B".
    """
    for ch in text:
        if is_control(ch):
            return f"contains the control character U+{ord(ch):04X}"
    if len(text) > max_length:
        return f"is longer than {max_length} characters"
    return None


def shorten(text: str, width: int) -> str:
    """Return ``text`` cut to ``width`` characters, ending in "…" when cut.

    Tables use it so that one long stored name cannot widen a column and push
    the other columns off the screen or the line.
    """
    if len(text) <= width:
        return text
    return text[: width - 1].rstrip() + "…"
