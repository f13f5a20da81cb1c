"""Partner badge codes: strip what scanners add, and compare codes by one key.

Scanners wrap a code in framing they can be set to add: white space, CR, LF,
Tab, STX/ETX and an AIM symbology identifier (``]C0``, ``]Q1``). A Code128 badge
may arrive with or without its FNC1 separators (sent as GS, 0x1D) or in its
human-readable GS1 form ``(01)...``. All of these reduce to the same key.
"""

from __future__ import annotations

import re

MAX_PAYLOAD_BYTES = 4096

STX, ETX, GS = "\x02", "\x03", "\x1d"
_EDGE_CHARS = " \t\r\n\x0b\x0c" + STX + ETX + "\x04\x16\x17\x1e"
"""White space and the start/end framing characters scanners send."""

_AIM_ID = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
_GS1_HUMAN_READABLE = re.compile(r"^(?:\(\d{2,4}\)[^()]+)+$")
_AI_PARENTHESES = re.compile(r"\((\d{2,4})\)")


def strip_framing(text: str, prefix: str = "", suffix: str = "") -> str:
    """Remove scanner framing around a code: configured prefix and suffix, white
    space, STX/ETX and an AIM symbology identifier."""
    text = text.strip(_EDGE_CHARS)
    if prefix and text.startswith(prefix):
        text = text[len(prefix) :]
    if suffix and text.endswith(suffix):
        text = text[: -len(suffix)]
    text = text.strip(_EDGE_CHARS)
    if _AIM_ID.match(text):
        text = text[3:].strip(_EDGE_CHARS)
    return text


def has_control_characters(text: str, allowed: str = "") -> bool:
    """Tell whether ``text`` holds a C0/C1 control character not in ``allowed``."""
    return any(
        (ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0) and ch not in allowed for ch in text
    )


def badge_key(code: str) -> str:
    """Return the key two readings of one badge share.

    Case is folded, FNC1 separators are dropped and the parentheses of a GS1
    human-readable form are removed, so ``(01)123(10)AB``, ``0112310AB`` and
    ``01123<GS>10AB`` give one key.
    """
    code = code.strip(_EDGE_CHARS).replace(GS, "")
    if _GS1_HUMAN_READABLE.match(code):
        code = _AI_PARENTHESES.sub(r"\1", code)
    return code.casefold()
