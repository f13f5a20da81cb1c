"""Turn Textual key events back into the characters a wedge scanner typed.

From a real terminal, Textual (8.2) gives every single-byte key its byte as
``event.character``: Enter is ``"\\r"``, Tab ``"\\t"``, LF arrives as
``ctrl+j`` with ``"\\n"``, RS (0x1E) as ``ctrl+circumflex_accent`` with
``"\\x1e"``, GS (0x1D) as ``ctrl+right_square_bracket`` with ``"\\x1d"``.
Under the kitty keyboard protocol, and from the test pilot, control keys come
without a character; the table below restores it from the key name.
"""

from __future__ import annotations

from textual import events

CONTROL_KEYS: dict[str, str] = {
    "enter": "\r",
    "ctrl+m": "\r",
    "tab": "\t",
    "ctrl+i": "\t",
    "ctrl+j": "\n",
    "ctrl+@": "\x00",
    "ctrl+space": "\x00",
    "ctrl+2": "\x00",
    "ctrl+shift+2": "\x00",
    "escape": "\x1b",
    "ctrl+backslash": "\x1c",
    "ctrl+right_square_bracket": "\x1d",
    "ctrl+circumflex_accent": "\x1e",
    "ctrl+6": "\x1e",
    "ctrl+shift+6": "\x1e",
    "ctrl+underscore": "\x1f",
    "ctrl+minus": "\x1f",
    "ctrl+shift+minus": "\x1f",
    "space": " ",
}
"""Key names (as Textual spells them) of the control characters scanners type."""

for _letter in "abcdefghklnopqrstuvwxyz":
    CONTROL_KEYS.setdefault(f"ctrl+{_letter}", chr(ord(_letter) - ord("a") + 1))


def key_character(event: events.Key) -> str | None:
    """Return the character a key event stands for, or None for keys that type
    nothing (arrows, function keys)."""
    if event.character is not None and len(event.character) == 1:
        return event.character
    return CONTROL_KEYS.get(event.key)
