"""Column widths for the review's tables, fitted to the terminal's width.

``fit_widths`` has no UI code, so tests call it directly. Each column first
gets its minimum, or its label's width when that is larger. The space left
then goes one cell at a time to each column whose content is still cut. A
table narrower than the minimums scrolls sideways. ``fit_table`` applies
the widths to a DataTable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.widgets import DataTable

SCROLLBAR_WIDTH = 2
"""Cells kept free for a table's vertical scroll bar."""


@dataclass(frozen=True)
class ColumnSpec:
    label: str
    sort: str | None
    """Sort key a click on the header picks; None for no sorting."""
    minimum: int
    """Narrowest width in cells; text longer than the width ends in "…"."""


def fit_widths(
    specs: Sequence[ColumnSpec],
    contents: Sequence[Sequence[str]],
    available: int,
) -> list[int]:
    """Return a width per column that together fill at most ``available``
    cells, unless the minimums alone need more.

    ``contents`` contains the text of each column's cells, one sequence per
    column. ``available`` excludes the padding the table adds around cells.
    """
    wanted = [
        max([len(spec.label), *(len(text) for text in column)])
        for spec, column in zip(specs, contents, strict=True)
    ]
    widths = [
        min(max(spec.minimum, len(spec.label)), want)
        for spec, want in zip(specs, wanted, strict=True)
    ]
    spare = available - sum(widths)
    while spare > 0:
        cut = [i for i, width in enumerate(widths) if width < wanted[i]]
        if not cut:
            break
        for i in cut[:spare]:
            widths[i] += 1
        spare -= min(len(cut), spare)
    return widths


def fit_table(
    table: DataTable,
    specs: Sequence[ColumnSpec],
    cells: Sequence[Sequence[str]],
    current: list[int],
) -> list[int]:
    """Size ``table``'s columns to its width and the text of ``cells`` (one
    sequence per row), and return the widths.

    The columns are rebuilt, which also removes every row, only when the
    widths differ from ``current``, the widths returned by the last call.
    """
    padding = 2 * table.cell_padding * len(specs)
    available = table.size.width - SCROLLBAR_WIDTH - padding
    contents = [[line[i] for line in cells] for i in range(len(specs))]
    widths = fit_widths(specs, contents, available)
    if widths != current:
        table.clear(columns=True)
        for spec, width in zip(specs, widths, strict=True):
            table.add_column(spec.label, key=spec.label, width=width)
    return widths
