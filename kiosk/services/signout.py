"""Signed sign-out codes printed on visitor badges.

A code names a visit and carries an HMAC-SHA256 tag made with a key that is
generated on first use and kept in the data directory, so a made-up or edited
code cannot sign anyone out. Kiosks that share a district database must share
the key file, so a badge printed at one kiosk signs out at another.
"""

from __future__ import annotations

import base64
import hmac
import logging
import os
import re
import secrets
from hashlib import sha256
from pathlib import Path

logger = logging.getLogger(__name__)

PREFIX = "SO1"
TAG_BYTES = 8
"""Tag length: 64 bits, so guessing a code online takes about 2**63 scans."""
KEY_FILE = "signout.key"

_CODE = re.compile(r"^SO1-([1-9][0-9]{0,11})-([A-Z2-7]{13})$")
_LOOKS_LIKE_CODE = re.compile(r"^SO1-", re.IGNORECASE)


class SignOutKey:
    """The secret behind sign-out codes."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("sign-out key must be at least 16 bytes")
        self._secret = secret

    @classmethod
    def load_or_create(cls, data_dir: Path) -> SignOutKey:
        """Read the key file in ``data_dir``, creating it (mode 0600) if missing."""
        path = data_dir / KEY_FILE
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32) + "\n")
            logger.info("created sign-out key file %s", path)
        text = path.read_text().strip()
        try:
            return cls(bytes.fromhex(text))
        except ValueError as exc:
            raise ValueError(f"sign-out key file {path} is damaged: {exc}") from exc

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


def looks_like_sign_out_code(text: str) -> bool:
    """Tell whether a scan is meant as a sign-out code (genuine or not)."""
    return bool(_LOOKS_LIKE_CODE.match(text))
