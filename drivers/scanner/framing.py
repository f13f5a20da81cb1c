"""Cut the byte stream of a serial scanner into codes.

Pure logic, fed bytes with the time they arrived: no port, no thread. The
reader calls :meth:`SerialFramer.feed` with each read and
:meth:`SerialFramer.poll` between reads.

A scanner ends each code with a terminator (CR, LF or CRLF), wraps it in
STX ... ETX, or sends nothing and goes quiet. A driver's licence (AAMVA PDF417)
contains CR and LF inside its data, so a terminator does not end a licence before
the length its header declares. When the header's length is wrong (a scanner
that dropped bytes) or the licence is truncated, the licence ends at a
terminator followed by ``idle_gap`` seconds of quiet.
"""

from __future__ import annotations

import logging
import re

logger = logging.getLogger(__name__)

STX, ETX = 0x02, 0x03

TERMINATORS = {"cr": b"\r", "lf": b"\n", "crlf": b"\r\n", "none": b""}
"""Values of ``[scanner] terminator`` and the bytes they stand for."""

MAX_FRAME_BYTES = 65_536
"""A code growing past this is noise (a wrong baud rate, a chattering line)."""

_LICENCE_START = re.compile(rb"@[\n\r\x1e]")
_LICENCE_HEADER = re.compile(rb"@[\n\r\x1e]{1,3}(?:ANSI |AAMVA)(\d{6})(\d{2})")
_HEADER_ENTRY = re.compile(rb"[A-Z]{2}(\d{4})(\d{4})")


def declared_licence_length(data: bytes) -> int | None:
    """Return the length an AAMVA licence header declares for the whole payload.

    The header lists each subfile's offset and length from the start of the
    payload (AAMVA DL/ID Card Design Standard, the header record). Returns None
    when ``data`` does not start with a complete, well-formed header.
    """
    match = _LICENCE_HEADER.match(data)
    if match is None:
        return None
    position = match.end()
    if int(match[2]) >= 2:
        position += 2  # jurisdiction version number, from AAMVA version 02 on
    count_field = data[position : position + 2]
    if len(count_field) < 2 or not count_field.isdigit():
        return None
    position += 2
    total = 0
    for _ in range(int(count_field)):
        entry = _HEADER_ENTRY.match(data, position)
        if entry is None:
            return None
        total = max(total, int(entry[1]) + int(entry[2]))
        position = entry.end()
    return total or None


class SerialFramer:
    """Splits a serial byte stream into codes by terminator, STX/ETX or quiet."""

    def __init__(
        self,
        terminator: str = "cr",
        *,
        stx_etx: bool = False,
        idle_gap: float = 0.08,
        partial_timeout: float = 1.0,
        max_frame: int = MAX_FRAME_BYTES,
    ) -> None:
        if terminator not in TERMINATORS:
            raise ValueError(f"unknown terminator {terminator!r}")
        self.terminator = TERMINATORS[terminator]
        self.stx_etx = stx_etx
        self.idle_gap = idle_gap
        """Seconds of quiet that end a code when nothing else does."""
        self.partial_timeout = partial_timeout
        """Seconds after which an unfinished code is dropped."""
        self.max_frame = max_frame
        self._buffer = bytearray()
        self._search_from = 0
        self._in_frame = False
        self._skipping = False
        self._last_at = 0.0
        self.dropped = 0
        """Count of unfinished or oversized codes dropped (for tests and logs)."""

    @property
    def pending(self) -> bool:
        """True while part of a code is waiting for its end."""
        return bool(self._buffer) or self._in_frame or self._skipping

    def feed(self, data: bytes, at: float) -> list[bytes]:
        """Add bytes read at monotonic time ``at``; return the codes they complete."""
        if not data:
            return []
        self._last_at = at
        if self.stx_etx:
            return self._feed_stx_etx(data)
        if not self.terminator:
            self._append(data)
            return []
        return self._feed_terminated(data)

    def poll(self, now: float) -> list[bytes]:
        """Return the code in progress if the line has been quiet long enough, and
        drop a partial code older than ``partial_timeout``."""
        if not self.pending:
            return []
        quiet = now - self._last_at
        if quiet < self.idle_gap:
            return []
        if self._skipping and not self.stx_etx:
            self._skipping = False  # the oversized code has ended
            return []
        if not self.stx_etx:
            if not self.terminator:
                return self._take(len(self._buffer), 0)
            if self._buffer.endswith(self.terminator):
                end = len(self._buffer) - len(self.terminator)
                return self._take(end, len(self.terminator))
        if quiet >= self.partial_timeout:
            self._drop(f"no end of code within {self.partial_timeout:.1f} s")
        return []

    def reset(self) -> None:
        """Forget a partial code (the port was closed)."""
        if self.pending:
            self._drop("port closed")

    # Framing by terminator

    def _feed_terminated(self, data: bytes) -> list[bytes]:
        if self._skipping:
            # The rest of an oversized code: drop it up to its terminator.
            index = data.find(self.terminator)
            if index < 0:
                return []
            data = data[index + len(self.terminator) :]
            self._skipping = False
        self._buffer += data
        codes: list[bytes] = []
        while True:
            self._strip_stray_terminators()
            index = self._buffer.find(self.terminator, self._search_from)
            if index < 0:
                break
            if self._inside_licence(index):
                self._search_from = index + 1
                continue
            codes.extend(self._take(index, len(self.terminator)))
        if len(self._buffer) > self.max_frame:
            self._drop(f"code longer than {self.max_frame} bytes")
            self._skipping = True
        return codes

    def _strip_stray_terminators(self) -> None:
        """Drop CR and LF before a code: the rest of a CRLF on a CR setting, or
        empty codes."""
        if self._search_from == 0:
            stripped = self._buffer.lstrip(b"\r\n")
            if len(stripped) != len(self._buffer):
                del self._buffer[: len(self._buffer) - len(stripped)]

    def _inside_licence(self, index: int) -> bool:
        """True when a terminator at ``index`` may lie inside a licence's data.

        Before the header is complete, or when it declares no usable length,
        the licence ends only at a terminator followed by quiet (see poll).
        """
        if not _LICENCE_START.match(self._buffer):
            return False
        declared = declared_licence_length(bytes(self._buffer))
        return declared is None or index < declared

    # Framing by STX ... ETX

    def _feed_stx_etx(self, data: bytes) -> list[bytes]:
        codes = []
        for byte in data:
            if not self._in_frame:
                if byte == STX:
                    self._in_frame = True
                    self._skipping = False
                    self._buffer.clear()
                # Bytes between ETX and the next STX (a terminator the scanner
                # adds after ETX) belong to no code.
                continue
            if byte == ETX:
                self._in_frame = False
                if self._skipping:
                    self._skipping = False
                    self._buffer.clear()
                    continue
                codes.append(bytes(self._buffer))
                self._buffer.clear()
            elif byte == STX:
                self._drop("STX inside a code")
                self._in_frame = True
            else:
                self._append(bytes((byte,)))
        return [code for code in codes if code]

    # Buffer handling

    def _append(self, data: bytes) -> None:
        if self._skipping:
            return
        self._buffer += data
        if len(self._buffer) > self.max_frame:
            self._drop(f"code longer than {self.max_frame} bytes")
            self._skipping = True

    def _take(self, end: int, terminator_length: int) -> list[bytes]:
        code = bytes(self._buffer[:end])
        del self._buffer[: end + terminator_length]
        self._search_from = 0
        if len(code) > self.max_frame:
            logger.warning(
                "dropped a code of %d bytes: longer than %d", len(code), self.max_frame
            )
            self.dropped += 1
            return []
        return [code] if code else []

    def _drop(self, reason: str) -> None:
        if self._buffer or self._in_frame:
            logger.warning(
                "dropped an unfinished code of %d bytes: %s", len(self._buffer), reason
            )
            self.dropped += 1
        self._buffer.clear()
        self._search_from = 0
        self._in_frame = False
