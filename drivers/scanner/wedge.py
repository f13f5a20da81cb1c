"""Group the keys a keyboard-wedge scanner types into scans, by timing.

A wedge scanner types a whole code in one burst, a few milliseconds a key, and
a licence's data carries Enter keys in the middle of it. So a burst ends only
when the keyboard goes quiet for longer than ``gap`` seconds, never at an Enter.
A short burst (fewer than ``min_length`` characters) is a person at a keyboard,
and so is one key held down: auto-repeat types one character about every 30 ms,
slower than any scanner.

When the scanner is set to send a prefix or a suffix, a burst is a scan only if
it contains them, and keys typed by a person just before the prefix or after the
suffix (inside the same burst) are dropped. The prefix and suffix stay in the
scan: the check-in path strips them, as it does for serial scans.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_BURST_CHARS = 65_536
"""A burst that grows past this (a key stuck down, a runaway device) is dropped."""

AUTO_REPEAT_INTERVAL = 0.020
"""Seconds a key: a burst of one repeated character typed slower than this on
average is keyboard auto-repeat (typematic rates top out near 30 keys a second)."""


@dataclass(frozen=True)
class Burst:
    text: str
    is_scan: bool
    """True when the burst is long and fast enough to come from a scanner."""
    reason: str = ""
    """Why a burst is not a scan: ``short``, ``auto_repeat``, ``no_prefix``,
    ``no_suffix`` or ``too_long``; empty for scans."""


@dataclass
class WedgeCollector:
    gap: float = 0.060
    """Seconds of quiet that end a burst."""
    min_length: int = 4
    """Bursts with fewer characters (not counting Enter and Tab) are typing."""
    prefix: str = ""
    """Characters the scanner sends before each code; empty when it sends none."""
    suffix: str = ""
    """Characters the scanner sends after each code; empty when it sends none."""
    _chars: list[str] = field(default_factory=list)
    _first: float | None = None
    _last: float | None = None
    _overflow: bool = False

    def feed(self, char: str, at: float) -> Burst | None:
        """Add one typed character at monotonic time ``at``.

        Returns the previous burst if this key starts a new one.
        """
        finished = None
        if self._last is not None and at - self._last > self.gap:
            finished = self._finish()
        if self._first is None:
            self._first = at
        if len(self._chars) < MAX_BURST_CHARS:
            self._chars.append(char)
        else:
            self._overflow = True
        self._last = at
        return finished

    def feed_text(self, text: str, at: float) -> list[Burst]:
        """Add several characters that arrived together (one terminal read)."""
        bursts = []
        for char in text:
            burst = self.feed(char, at)
            if burst is not None:
                bursts.append(burst)
        return bursts

    def poll(self, now: float) -> Burst | None:
        """Return the burst in progress if the keyboard has been quiet long enough."""
        if self._last is not None and now - self._last > self.gap:
            return self._finish()
        return None

    @property
    def pending(self) -> bool:
        return bool(self._chars)

    def _finish(self) -> Burst:
        text = "".join(self._chars)
        first, last, overflow = self._first, self._last, self._overflow
        self._chars.clear()
        self._first = self._last = None
        self._overflow = False
        if overflow:
            return Burst(text, is_scan=False, reason="too_long")
        if self.prefix or self.suffix:
            return self._framed(text)
        visible = text.strip("\r\n\t")
        if len(visible) < self.min_length:
            return Burst(text, is_scan=False, reason="short")
        if len(set(visible)) == 1 and first is not None and last is not None:
            interval = (last - first) / max(len(text) - 1, 1)
            if interval > AUTO_REPEAT_INTERVAL:
                return Burst(text, is_scan=False, reason="auto_repeat")
        return Burst(text, is_scan=True)

    def _framed(self, text: str) -> Burst:
        if self.prefix:
            start = text.find(self.prefix)
            if start < 0:
                return Burst(text, is_scan=False, reason="no_prefix")
            text = text[start:]
        if self.suffix:
            end = text.rfind(self.suffix)
            if end < len(self.prefix):
                return Burst(text, is_scan=False, reason="no_suffix")
            text = text[: end + len(self.suffix)]
        return Burst(text, is_scan=True)
