"""Visitor-facing text in English and Spanish, from a gettext message catalog.

The Spanish catalog is ``kiosk/locale/es/LC_MESSAGES/kiosk.po``; it is compiled
in memory when first needed, so no binary ``.mo`` file is kept in the tree.
Messages are marked with ``_()`` in the source and extracted into
``kiosk/locale/kiosk.pot`` (see docs/translations.md).
"""

from __future__ import annotations

import gettext
import io
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "kiosk"
LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES = ("en", "es")
"""Languages offered at the kiosk; the source strings are English."""


@cache
def translations(language: str) -> gettext.NullTranslations:
    """Return the catalog for ``language`` (English is the source, so it is empty)."""
    if language == "en":
        return gettext.NullTranslations()
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def gettext_for(language: str):  # type: ignore[no-untyped-def]
    """Return the ``_`` function of ``language``."""
    return translations(language).gettext


def _(message: str) -> str:
    """Mark a message for extraction; translate it later with gettext_for()."""
    return message


def next_language(language: str) -> str:
    return LANGUAGES[(LANGUAGES.index(language) + 1) % len(LANGUAGES)]


def format_long_date(day: date, language: str) -> str:
    """``Friday, December 4, 2026`` or ``viernes, 4 de diciembre de 2026``."""
    return format_date(day, format="full", locale=language)


def format_clock(moment: datetime, language: str) -> str:
    return format_time(moment, format="short", locale=language)
