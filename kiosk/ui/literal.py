"""Text from people and settings, made safe to show in Textual widgets.

Textual parses a str given to a Static, a Button label or a DataTable cell as
markup, so a name like ``[/]`` raises MarkupError and ``Mary [Beth]`` loses
its second word. Statics that show such text are made with ``markup=False``;
cells and labels go through the helpers here.
"""

from __future__ import annotations

from rich.text import Text


def literal_cells(*values: str) -> list[Text]:
    """Return DataTable cells that show ``values`` exactly as typed, on one
    line, ending in "…" where the column is narrower than the text."""
    return [Text(value, no_wrap=True, overflow="ellipsis") for value in values]
