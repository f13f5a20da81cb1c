"""Every visitor-facing message exists in English and Spanish."""

from __future__ import annotations

import re

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from kiosk.i18n import LOCALE_DIR, gettext_for
from tests.support import REPO


def _source_messages() -> set[str]:
    found = extract_from_dir(
        str(REPO / "kiosk"), method_map=[("**.py", "python")], keywords={"_": None}
    )
    return {message for _file, _line, message, _comments, _context in found}


def _spanish_catalog():
    with (LOCALE_DIR / "es" / "LC_MESSAGES" / "kiosk.po").open("rb") as handle:
        return read_po(handle, locale="es")


def test_every_marked_message_has_spanish():
    catalog = _spanish_catalog()
    untranslated = [
        m for m in _source_messages() if not (catalog.get(m) and catalog.get(m).string)
    ]
    assert untranslated == []


def test_spanish_catalog_has_no_stale_messages():
    stale = {m.id for m in _spanish_catalog() if m.id} - _source_messages()
    assert stale == set()


def test_spanish_keeps_placeholders():
    catalog = _spanish_catalog()
    for message in catalog:
        if message.id:
            fields = sorted(re.findall(r"\{\w+\}", message.id))
            assert sorted(re.findall(r"\{\w+\}", message.string)) == fields, message.id


def test_spanish_catalog_has_no_fuzzy_entries():
    # The in-memory compiler skips fuzzy entries, so visitors would see English.
    fuzzy = [
        message.id for message in _spanish_catalog() if message.id and message.fuzzy
    ]
    assert fuzzy == []


def test_gettext_translates_to_spanish():
    assert gettext_for("es")("Welcome, {name}!") == "¡Bienvenido, {name}!"
    assert gettext_for("en")("Welcome, {name}!") == "Welcome, {name}!"
