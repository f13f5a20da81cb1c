"""Small pieces the desk screens share: the status line and time formats."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.widgets import Static

from kiosk.services.desk.views import StatusItem, describe_reason


def local_clock(instant: datetime, zone: ZoneInfo) -> str:
    """Return ``HH:MM`` at the school."""
    return f"{instant.astimezone(zone):%H:%M}"


def reason_text(codes: tuple[str, ...]) -> str:
    return "; ".join(describe_reason(code) for code in codes)


ELLIPSIS = "…"
SAME_REASON = "same"


def _label(mark: str, item: StatusItem, detail: str) -> str:
    return f" {mark} {item.name}" + (f" ({detail}) " if detail else " ")


def _cut(detail: str, length: int) -> str:
    """Return ``detail`` cut to ``length`` characters, ending in an ellipsis."""
    if len(detail) <= length:
        return detail
    if length <= 0:
        return ""
    return detail[: length - 1] + ELLIPSIS


def fit_status(items: list[StatusItem], width: int) -> list[tuple[str, StatusItem]]:
    """Return each item's label, shortened in steps until the line fits ``width``.

    Failing (red) items keep their name and as much of their reason as fits.
    Details of working and unreported items go first: all of them but the
    roster's age, then that age too. Then a red reason that repeats an earlier
    one becomes ``same``, and last the red reasons are cut, each to an equal
    share of the width left. Between labels goes one space.
    """
    failing = [item.ok is False for item in items]

    def mark_of(item: StatusItem) -> str:
        return "○" if item.ok is None else "●"

    def total(details: list[str]) -> int:
        labels = [_label(mark_of(i), i, d) for i, d in zip(items, details, strict=True)]
        return sum(map(len, labels)) + len(labels) - 1

    details = [
        item.detail
        if item.detail and (item.ok is not True or item.name == "roster")
        else ""
        for item in items
    ]
    if width <= 0 or total(details) <= width:
        return [
            (_label(mark_of(i), i, d), i) for i, d in zip(items, details, strict=True)
        ]

    # Working and unreported parts: drop details, the roster's age last.
    for keep_roster_age in (True, False):
        details = [
            detail
            if red or (keep_roster_age and item.name == "roster" and item.ok is True)
            else ""
            for item, detail, red in zip(items, details, failing, strict=True)
        ]
        if total(details) <= width:
            break

    # A red reason repeated from an earlier red part (the parts of a kiosk
    # that stopped reporting) is written once, and "same" after that.
    if total(details) > width:
        seen: set[str] = set()
        for index, detail in enumerate(details):
            if not failing[index] or not detail:
                continue
            if detail in seen:
                details[index] = SAME_REASON
            seen.add(detail)

    # NOTE: below about 55 columns the names alone do not fit, and the line
    # is cropped at the right edge whatever the colours.
    # Red reasons share what the names leave over: short reasons whole, the
    # rest cut to an equal share each.
    red_indexes = [i for i, red in enumerate(failing) if red and details[i]]
    if total(details) > width and red_indexes:
        bare = [d if i not in red_indexes else "" for i, d in enumerate(details)]
        # A shown reason adds " (" and ")" to its label.
        room = width - total(bare) - 3 * len(red_indexes)
        by_length = sorted(red_indexes, key=lambda i: len(details[i]))
        for position, index in enumerate(by_length):
            share = max(room // (len(by_length) - position), 0)
            details[index] = _cut(details[index], share)
            room -= len(details[index])
    return [(_label(mark_of(i), i, d), i) for i, d in zip(items, details, strict=True)]


class StatusLine(Static):
    """Scanner, camera, printer, store and roster, each green or red.

    A part that no kiosk at the school reports is shown dim. The line is
    shortened to the widget's width so that no red part is cut off.
    """

    _items: tuple[StatusItem, ...] = ()
    """The items last shown, laid out again when the width changes."""

    def show(self, items: list[StatusItem]) -> None:
        self._items = tuple(items)
        self._render_items()

    def on_resize(self) -> None:
        self._render_items()

    def _render_items(self) -> None:
        line = Text(no_wrap=True, overflow="crop")
        labels = fit_status(list(self._items), self.content_size.width)
        for index, (label, item) in enumerate(labels):
            if item.ok is None:
                style = "dim"
            elif item.ok:
                style = "bold green"
            else:
                style = "bold white on red"
            if index:
                line.append(" ")
            line.append(label, style=style)
        self.update(line)
