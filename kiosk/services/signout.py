"""Signed sign-out codes printed on visitor badges.

A code names a visit and carries an HMAC-SHA256 tag made with a secret key,
so a made-up or edited code cannot sign anyone out. The key is generated on
first use and kept in the data directory, or in the file that
``[kiosk] signout_key_file`` names, never in the repository. Kiosks that
share a district database must share the key file, so a badge printed at one
kiosk signs out at another.
"""

from __future__ import annotations

import base64
import hmac
import logging
import os
import re
import secrets
import stat
from hashlib import sha256
from pathlib import Path

logger = logging.getLogger(__name__)

PREFIX = "SO1"
TAG_BYTES = 8
"""Tag length: 64 bits, so guessing a code online takes about 2**63 scans."""
KEY_FILE = "signout.key"

_CODE = re.compile(r"^SO1-([1-9][0-9]{0,11})-([A-Z2-7]{13})$")
_LOOKS_LIKE_CODE = re.compile(r"^SO1-", re.IGNORECASE)


class SignOutKeyError(Exception):
    """The sign-out key file cannot be used; the message names the file and
    what to do."""


class SignOutKey:
    """The secret behind sign-out codes."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("sign-out key must be at least 16 bytes")
        self._secret = secret

    def __repr__(self) -> str:
        return "SignOutKey(<secret>)"

    @classmethod
    def load_or_create(cls, path: Path) -> SignOutKey:
        """Read the key file at ``path``, creating it with a new random key
        (mode 0600) if it does not exist.

        Raises SignOutKeyError when the file is readable or writable by
        anyone but its owner, or does not hold a key.
        """
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        except OSError as exc:
            raise SignOutKeyError(
                f"cannot create sign-out key file {path}: {exc.strerror}"
            ) from exc
        else:
            with os.fdopen(fd, "w") as handle:
                os.fchmod(handle.fileno(), 0o600)
                handle.write(secrets.token_hex(32) + "\n")
            logger.info("created sign-out key file %s", path)
        return cls(_read_secret(path))

    def _tag(self, visit_id: int) -> str:
        digest = hmac.new(self._secret, f"signout:{visit_id}".encode(), sha256).digest()
        return base64.b32encode(digest[:TAG_BYTES]).decode().rstrip("=")

    def code_for(self, visit_id: int) -> str:
        """Return the code printed on the badge of ``visit_id``."""
        return f"{PREFIX}-{visit_id}-{self._tag(visit_id)}"

    def verify(self, code: str) -> int | None:
        """Return the visit id of a genuine code, or None for a forged or edited one."""
        match = _CODE.match(code.upper())
        if match is None:
            return None
        visit_id = int(match.group(1))
        if not hmac.compare_digest(self._tag(visit_id), match.group(2)):
            return None
        return visit_id


def _read_secret(path: Path) -> bytes:
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not a key file"
        raise SignOutKeyError(
            f"cannot read sign-out key file {path}: {reason}"
        ) from exc
    if mode & 0o077:
        raise SignOutKeyError(
            f"sign-out key file {path} has mode {stat.S_IMODE(mode):04o}, so other "
            f"users can read or change it: run chmod 600 {path}"
        )
    try:
        secret = bytes.fromhex(text)
    except ValueError:
        secret = b""
    if len(secret) < 16:
        raise SignOutKeyError(
            f"sign-out key file {path} does not hold a key (expected at least 32 "
            "hexadecimal digits): restore it from the other kiosks, or delete it "
            "to make a new key, which voids the codes on badges already printed"
        )
    return secret


def looks_like_sign_out_code(text: str) -> bool:
    """Tell whether a scan is meant as a sign-out code (genuine or not)."""
    return bool(_LOOKS_LIKE_CODE.match(text))
