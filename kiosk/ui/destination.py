"""The screen where a visitor who just signed in picks where they are going."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Static

from kiosk.i18n import _, gettext_for


class DestinationScreen(Screen[None]):
    """Numbered places; a digit key or a tap picks one, silence picks none.

    ``on_choice`` runs exactly once, with the place or None, whether the
    visitor chose, the time ran out or the next scan took the screen over.
    """

    def __init__(
        self,
        places: Sequence[str],
        language: str,
        seconds: float,
        on_choice: Callable[[str | None], None],
    ) -> None:
        super().__init__(classes="destination")
        self.places = list(places)
        self.language = language
        self.seconds = seconds
        self._on_choice: Callable[[str | None], None] | None = on_choice

    def compose(self) -> ComposeResult:
        tr = gettext_for(self.language)
        with Vertical(id="destination"):
            yield Static(tr(_("Where are you going today?")), id="headline")
            for number, place in enumerate(self.places, start=1):
                # A str label is parsed as markup; Content shows the place as typed.
                label = Content(f"{number}  {place}")
                yield Button(label, id=f"place-{number}")
            yield Static(tr(_("Press its number, or touch it.")), id="body")

    def on_mount(self) -> None:
        self.set_timer(self.seconds, self.give_up)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id is not None:
            self.choose_number(int(event.button.id.removeprefix("place-")))

    def choose_number(self, number: int) -> None:
        """Pick the place shown with ``number``; other numbers are ignored."""
        if 1 <= number <= len(self.places):
            self._finish(self.places[number - 1])

    def give_up(self) -> None:
        """Close without a place (time ran out, or another visitor scanned)."""
        self._finish(None)

    def _finish(self, place: str | None) -> None:
        on_choice, self._on_choice = self._on_choice, None
        if on_choice is None:
            return
        on_choice(place)
        if self.is_current:
            self.app.pop_screen()
