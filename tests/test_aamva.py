"""The AAMVA parser on public samples, our fixtures and built cards of every form."""

from __future__ import annotations

import dataclasses
import logging
from datetime import date

import pytest

from kiosk.services import aamva
from kiosk.services.identify import LicenceScan, Unreadable, classify
from tests.aamva_cards import MANGLERS, Card, encode, shuffled
from tests.aamva_expected import (
    FIXTURE_CARDS,
    PUBLIC_CARDS,
    CardFacts,
    read_fixture,
    read_public,
)


def _facts(licence: aamva.Licence) -> CardFacts:
    return CardFacts(
        licence.first_name,
        licence.middle_name,
        licence.last_name,
        licence.date_of_birth,
        licence.jurisdiction,
        licence.number_last4,
        licence.expires_on,
    )


@pytest.mark.parametrize("name", sorted(PUBLIC_CARDS))
def test_public_sample_fields(name):
    assert _facts(aamva.parse(read_public(name))) == PUBLIC_CARDS[name]


@pytest.mark.parametrize("name", sorted(FIXTURE_CARDS))
def test_fixture_licence_fields(name):
    assert _facts(aamva.parse(read_fixture(name))) == FIXTURE_CARDS[name]


@pytest.mark.parametrize("name", sorted(PUBLIC_CARDS))
@pytest.mark.parametrize("mangle", sorted(MANGLERS))
def test_public_sample_mangled(name, mangle):
    text = MANGLERS[mangle](read_public(name))
    assert _facts(aamva.parse(text)) == PUBLIC_CARDS[name]


def test_public_samples_cover_versions():
    versions = {aamva.parse(read_public(name)).version for name in PUBLIC_CARDS}
    assert versions == {1, 3, 4, 6, 7, 8, 9}


def test_id_card_subfile():
    licence = aamva.parse(read_public("Ids/TN.txt"))
    assert licence.document_type == "ID"
    assert licence.issuer == "636053"


VERSIONS = range(1, 11)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("canadian", [False, True], ids=["us", "ca"])
@pytest.mark.parametrize("document_type", ["DL", "ID"])
def test_built_card_every_version(version, canadian, document_type):
    card = Card(
        first="ROSA",
        middle="LUZ",
        last="QUINTERO",
        born=date(1990, 11, 28),
        expires=date(2031, 11, 28),
        jurisdiction="ON" if canadian else "MO",
        number="Q 123-456-789",
        version=version,
        canadian=canadian,
        document_type=document_type,
    )
    licence = aamva.parse(encode(card))
    assert licence.first_name == "ROSA"
    assert licence.middle_name == "LUZ"
    assert licence.last_name == "QUINTERO"
    assert licence.date_of_birth == date(1990, 11, 28)
    assert licence.expires_on == date(2031, 11, 28)
    assert licence.jurisdiction == card.jurisdiction
    assert licence.number_last4 == "6789"
    assert licence.version == version
    assert licence.document_type == document_type


@pytest.mark.parametrize("mangle", sorted(MANGLERS))
@pytest.mark.parametrize("version", [1, 3, 8, 10])
def test_built_card_mangled_separators(mangle, version):
    card = Card(version=version, middle="ANN")
    licence = aamva.parse(MANGLERS[mangle](encode(card)))
    assert (licence.first_name, licence.middle_name, licence.last_name) == (
        "JORDAN",
        "ANN",
        "EXAMPLE",
    )
    assert licence.date_of_birth == card.born


def test_every_mangling_at_once():
    text = encode(Card(version=9), file_type="AAMVA")
    for mangle in MANGLERS.values():
        text = mangle(text)
    licence = aamva.parse(text)
    assert licence.last_name == "EXAMPLE"
    assert licence.date_of_birth == date(1985, 6, 15)


@pytest.mark.parametrize("seed", range(5))
def test_elements_in_any_order(seed):
    card = Card(version=8, middle="B")
    licence = aamva.parse(encode(card, order=shuffled(seed)))
    assert _facts(licence) == _facts(aamva.parse(encode(card)))


def test_aamva_file_type():
    licence = aamva.parse(encode(Card(version=1), file_type="AAMVA"))
    assert licence.last_name == "EXAMPLE"


@pytest.mark.parametrize(
    ("field", "flag"),
    [("last", "last_name_truncated"), ("first", "first_name_truncated"),
     ("middle", "middle_name_truncated")],
)  # fmt: skip
def test_truncation_flags(field, flag):
    card = Card(version=9, middle="ALEXANDRA", **{f"{field}_truncated": True})
    licence = aamva.parse(encode(card))
    assert getattr(licence, flag) is True
    others = {"last_name_truncated", "first_name_truncated", "middle_name_truncated"}
    assert not any(getattr(licence, other) for other in others - {flag})


def test_truncation_unknown_flag_is_not_truncated():
    text = encode(Card(version=9)).replace("DDEN", "DDEU")
    assert aamva.parse(text).last_name_truncated is False


def test_middle_name_none_is_absent():
    licence = aamva.parse(encode(Card(version=10, middle="")))
    assert "DADNONE" in encode(Card(version=10, middle=""))
    assert licence.middle_name == ""


def test_given_names_field_split():
    card = Card(version=3, first="MARY", middle="ROSE ELLEN")
    licence = aamva.parse(encode(card))
    assert (licence.first_name, licence.middle_name) == ("MARY", "ROSE ELLEN")


def test_version1_full_name_with_commas():
    licence = aamva.parse(encode(Card(version=1, middle="Q")))
    assert (licence.first_name, licence.middle_name, licence.last_name) == (
        "JORDAN",
        "Q",
        "EXAMPLE",
    )
    assert licence.full_name == ""


def test_version1_full_name_without_commas_keeps_whole():
    text = encode(Card(version=1)).replace("DAAEXAMPLE,JORDAN", "DAAANA DE LA CRUZ")
    licence = aamva.parse(text)
    assert (licence.first_name, licence.middle_name, licence.last_name) == (
        "ANA",
        "DE LA",
        "CRUZ",
    )
    assert licence.full_name == "ANA DE LA CRUZ"


def test_canadian_dates_year_first():
    card = Card(version=8, canadian=True, jurisdiction="ON", born=date(1993, 1, 2))
    assert "DBB19930102" in encode(card)
    assert aamva.parse(encode(card)).date_of_birth == date(1993, 1, 2)


def test_us_dates_month_first():
    card = Card(version=8, born=date(1993, 1, 2))
    assert "DBB01021993" in encode(card)
    assert aamva.parse(encode(card)).date_of_birth == date(1993, 1, 2)


def test_document_number_last_four_only():
    licence = aamva.parse(encode(Card(number="K04-76-5990")))
    assert licence.number_last4 == "5990"
    kept = {f.name for f in dataclasses.fields(aamva.Licence)}
    assert not kept & {"number", "address", "street", "city", "postal_code"}


def test_repr_hides_personal_fields():
    licence = aamva.parse(encode(Card(number="Z99998888")))
    text = repr(licence)
    assert "EXAMPLE" not in text
    assert "1985" not in text
    assert "8888" not in text
    assert "636030" in text


def test_missing_expiry_is_none():
    licence = aamva.parse(encode(Card(expires=None)))
    assert licence.expires_on is None


def test_invalid_expiry_is_none():
    text = encode(Card()).replace("DBA06152030", "DBA99999999")
    assert aamva.parse(text).expires_on is None


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (("DBB06151985", "DBB13451985"), "invalid_date:DBB"),
        (("DBB06151985", "DBX06151985"), "missing_element:DBB"),
        (("DCSEXAMPLE", "DCXEXAMPLE"), "missing_element:DCS"),
        (("DACJORDAN", "DACNONE"), "missing_element:DAC"),
        (("DAQE12345678", "DAQ---"), "missing_element:DAQ"),
        (("ANSI 636030100001", "ANSI 636030110001"), "version_not_supported:11"),
        (("ANSI 636030100001", "ANSI 636030000001"), "version_not_supported:00"),
        (("ANSI 63603", "XXXX 63603"), "header_invalid"),
        (("DLDAQ", "XXDAQ"), "subfile_not_found"),
        (("DAJMO", "DAJ\x00O"), "invalid_character"),
    ],
)
def test_unreadable_reasons(change, reason):
    text = encode(Card()).replace(*change)
    with pytest.raises(aamva.AamvaError) as caught:
        aamva.parse(text)
    assert caught.value.reason == reason


def test_error_reasons_carry_no_card_values():
    text = encode(Card()).replace("DBB06151985", "DBB06321985")
    with pytest.raises(aamva.AamvaError) as caught:
        aamva.parse(text)
    assert "1985" not in str(caught.value)
    assert caught.value.issuer == "636030"


MAGNETIC_STRIPE = (
    "%MOSPRINGFIELD^EXAMPLE$JORDAN$^100 EXAMPLE ST^?"
    ";6360301234567890=300619850615=?"
    "#! 64000      F066BRO                          ?"
)


def test_magnetic_stripe_is_unreadable_with_issuer():
    with pytest.raises(aamva.AamvaError) as caught:
        aamva.parse(MAGNETIC_STRIPE)
    assert caught.value.reason == "magnetic_stripe_layout"
    assert caught.value.issuer == "636030"


def test_magnetic_stripe_scan_logs_issuer(caplog):
    caplog.set_level(logging.DEBUG)
    scan = classify(MAGNETIC_STRIPE.encode())
    assert scan == Unreadable("licence_unreadable")
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "636030" in logged
    assert "magnetic_stripe_layout" in logged
    assert "EXAMPLE" not in logged
    assert "1234567890" not in logged


def test_track2_only_is_unreadable():
    scan = classify(b";6360221234567890=300619850615=?")
    assert scan == Unreadable("licence_unreadable")


def test_truncated_fixture_is_unreadable(caplog):
    caplog.set_level(logging.INFO)
    payload = (read_fixture("bad_truncated_aamva.bin")).encode()
    assert classify(payload) == Unreadable("licence_unreadable")
    assert "636030" in caplog.text


def test_classify_strips_pdf417_symbology_id():
    scan = classify(("]L2" + encode(Card())).encode())
    assert isinstance(scan, LicenceScan)
    assert scan.licence.last_name == "EXAMPLE"


def test_classify_leading_whitespace_and_bom():
    scan = classify(read_public("Leading Whitespace.txt").encode())
    assert isinstance(scan, LicenceScan)
    assert scan.licence.last_name == "SHEEHAN"
