"""Group the keys a keyboard-wedge scanner types into scans, by timing.

A wedge scanner types a whole code in one burst, a few milliseconds a key, and
a licence's data carries Enter keys in the middle of it. So a burst ends only
when the keyboard goes quiet for longer than ``gap`` seconds, never at an Enter.
A short burst (fewer than ``min_length`` characters) is a person at a keyboard.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Burst:
    text: str
    is_scan: bool
    """True when the burst is long and fast enough to come from a scanner."""


@dataclass
class WedgeCollector:
    gap: float = 0.060
    """Seconds of quiet that end a burst."""
    min_length: int = 4
    """Bursts with fewer characters (not counting Enter and Tab) are typing."""
    _chars: list[str] = field(default_factory=list)
    _last: float | None = None

    def feed(self, char: str, at: float) -> Burst | None:
        """Add one typed character at monotonic time ``at``.

        Returns the previous burst if this key starts a new one.
        """
        finished = None
        if self._last is not None and at - self._last > self.gap:
            finished = self._finish()
        self._chars.append(char)
        self._last = at
        return finished

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
        self._chars.clear()
        self._last = None
        visible = len(text.strip("\r\n\t"))
        return Burst(text, is_scan=visible >= self.min_length)
