"""Partner badge codes: strip what scanners add, and compare codes by one key.

Scanners wrap a code in framing they can be set to add. That is white space,
CR, LF, Tab, STX/ETX, a configured prefix and suffix, and an AIM symbology
identifier such as ``]C0`` (Code128), ``]Q1`` (QR), ``]d2`` (Data Matrix) or
``]L2`` (PDF417). A Code128 badge may arrive with or without its FNC1 separators (sent
as GS, 0x1D), or in its GS1 human-readable form ``(01)...``. All of these
reduce to the same key, compared without regard to case.
"""

from __future__ import annotations

import re
import unicodedata

MAX_PAYLOAD_BYTES = 4096

STX, ETX, GS = "\x02", "\x03", "\x1d"
_EDGE_CHARS = " \t\r\n\x0b\x0c\ufeff" + STX + ETX + "\x04\x16\x17\x1e"
"""White space, a byte order mark, and the start and end characters (STX, ETX,
EOT, SYN, ETB, RS) scanners send around a code."""

# "]" + symbology letter + modifier character, as ISO/IEC 15424 defines them.
_AIM_ID = re.compile(r"\][A-Za-z][0-9A-Za-z]", re.ASCII)
_GS1_HUMAN_READABLE = re.compile(r"(?:\([0-9]{2,4}\)[^()]+)+", re.ASCII)
_AI_PARENTHESES = re.compile(r"\(([0-9]{2,4})\)", re.ASCII)
_LINE_SEPARATORS = frozenset("\u2028\u2029\x85")


def strip_framing(text: str, prefix: str = "", suffix: str = "") -> str:
    """Remove scanner framing around a code.

    Each kind is removed at most once, in whichever order the scanner put it:
    white space and STX/ETX, the configured ``prefix`` and ``suffix`` (matched
    exactly), and an AIM symbology identifier at the start.
    """
    text = text.strip(_EDGE_CHARS)
    prefix_done = aim_done = suffix_done = False
    for _ in range(2):
        if prefix and not prefix_done and text.startswith(prefix):
            text, prefix_done = text[len(prefix) :].lstrip(_EDGE_CHARS), True
        if not aim_done and _AIM_ID.match(text):
            text, aim_done = text[3:].lstrip(_EDGE_CHARS), True
        if suffix and not suffix_done and text.endswith(suffix):
            text, suffix_done = text[: -len(suffix)].rstrip(_EDGE_CHARS), True
    return text.strip(_EDGE_CHARS)


def is_control(ch: str) -> bool:
    """Tell whether ``ch`` is a control or format character (Unicode Cc or Cf,
    which includes NUL, DEL and the C1 range) or a line separator."""
    return unicodedata.category(ch) in ("Cc", "Cf") or ch in _LINE_SEPARATORS


def has_control_characters(text: str, allowed: str = "") -> bool:
    """Tell whether ``text`` contains a control character not in ``allowed``."""
    return any(is_control(ch) and ch not in allowed for ch in text)


def badge_key(code: str) -> str:
    """Return the key that every reading of one badge shares.

    Case is folded, FNC1 separators are dropped and the parentheses of a GS1
    human-readable form are removed, so ``(01)123(10)AB``, ``0112310AB`` and
    ``01123<GS>10AB`` give one key. Roster codes go through the same function.
    """
    code = code.strip(_EDGE_CHARS).replace(GS, "")
    if _GS1_HUMAN_READABLE.fullmatch(code):
        code = _AI_PARENTHESES.sub(r"\1", code)
    return code.casefold()
