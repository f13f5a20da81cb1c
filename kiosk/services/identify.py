"""Tell what a scan is: a partner badge, a sign-out code, a licence, or unreadable."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from kiosk.services import aamva
from kiosk.services.codes import (
    GS,
    MAX_PAYLOAD_BYTES,
    badge_key,
    has_control_characters,
    strip_framing,
)
from kiosk.services.signout import looks_like_sign_out_code

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Unreadable:
    reason: str
    """``empty``, ``too_long``, ``not_utf8``, ``control_characters`` or
    ``licence_unreadable``."""


@dataclass(frozen=True)
class BadgeScan:
    key: str
    """The code in the form roster badge codes are compared in."""


@dataclass(frozen=True)
class SignOutScan:
    code: str


@dataclass(frozen=True)
class LicenceScan:
    licence: aamva.Licence


Scan = Unreadable | BadgeScan | SignOutScan | LicenceScan


def classify(payload: bytes, *, prefix: str = "", suffix: str = "") -> Scan:
    """Classify the raw bytes a reader delivered.

    A payload over 4 KiB, one that is not UTF-8, or one with control
    characters inside is unreadable. The exceptions are FNC1 (GS) in a badge
    code and the separators between the elements of licence data.
    """
    if len(payload) > MAX_PAYLOAD_BYTES:
        return Unreadable("too_long")
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        return Unreadable("not_utf8")
    text = strip_framing(text, prefix, suffix)
    if not text:
        return Unreadable("empty")

    if aamva.looks_like_licence(text):
        try:
            return LicenceScan(aamva.parse(text))
        except aamva.AamvaError as exc:
            logger.info(
                "licence data unreadable (%s), issuer number (IIN) %s",
                exc.reason,
                exc.issuer or "unknown",
            )
            return Unreadable("licence_unreadable")

    if has_control_characters(text, allowed=GS):
        return Unreadable("control_characters")
    if looks_like_sign_out_code(text):
        return SignOutScan(text)
    return BadgeScan(badge_key(text))
