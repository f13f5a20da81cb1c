"""Terminal bar charts drawn with block characters, one bar per line.

Hand-drawn rather than a plotting widget: the text is the chart, so tests
read it back, and no plotting package has to keep pace with Textual.
"""

from __future__ import annotations

EIGHTHS = " ▏▎▍▌▋▊▉"
FULL = "█"


def bar(value: float, top: float, width: int) -> str:
    """Return a bar of ``value`` on a scale where ``top`` fills ``width`` cells."""
    if top <= 0 or value <= 0:
        return ""
    eighths = round(value / top * width * 8)
    eighths = max(eighths, 1)
    full, rest = divmod(eighths, 8)
    return FULL * full + (EIGHTHS[rest] if rest else "")


def bar_lines(
    items: list[tuple[str, int]], width: int = 40, unit: str = ""
) -> list[str]:
    """Return one line per item: label, bar, value."""
    if not items:
        return ["(nothing to show)"]
    label_width = max(len(label) for label, _ in items)
    top = max(value for _, value in items)
    lines = []
    for label, value in items:
        drawn = bar(value, top, width)
        lines.append(f"{label.rjust(label_width)} │{drawn.ljust(width)} {value}{unit}")
    return lines


def paired_bar_lines(items: list[tuple[str, int, int]], width: int = 40) -> list[str]:
    """Return lines of two stacked series: the first drawn solid, the second shaded."""
    if not items:
        return ["(nothing to show)"]
    label_width = max(len(label) for label, _, _ in items)
    top = max(first + second for _, first, second in items)
    lines = []
    for label, first, second in items:
        solid = bar(first, top, width) if first else ""
        shaded = "░" * round(second / top * width) if second else ""
        if second and not shaded:
            shaded = "░"
        drawn = (solid + shaded).ljust(width)
        lines.append(
            f"{label.rjust(label_width)} │{drawn} {first} in, {second} refused"
        )
    return lines
