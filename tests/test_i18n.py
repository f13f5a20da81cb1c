"""Every visitor-facing message exists in English and Spanish."""

from __future__ import annotations

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
        if message.id and "{" in message.id:
            for name in ("{name}", "{school}"):
                assert (name in message.id) == (name in message.string), message.id


def test_gettext_translates_to_spanish():
    assert gettext_for("es")("Welcome, {name}!") == "¡Bienvenido, {name}!"
    assert gettext_for("en")("Welcome, {name}!") == "Welcome, {name}!"
