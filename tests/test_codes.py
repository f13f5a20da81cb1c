"""Badge codes: scanner framing, one key per badge, and what is unreadable."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.services.codes import (
    MAX_PAYLOAD_BYTES,
    badge_key,
    has_control_characters,
    strip_framing,
)
from kiosk.services.identify import BadgeScan, SignOutScan, Unreadable, classify

PREFIX, SUFFIX = "~P>", "<S~"

FRAMED = [
    ("plain", "OTP-100001"),
    ("spaces", "  OTP-100001  "),
    ("lower case", "otp-100001"),
    ("mixed case", "Otp-100001"),
    ("CR", "OTP-100001\r"),
    ("LF", "OTP-100001\n"),
    ("CRLF", "OTP-100001\r\n"),
    ("tabs", "\tOTP-100001\t"),
    ("fixture spacing", "  otp-100001 \r\n"),
    ("STX ETX", "\x02OTP-100001\x03"),
    ("STX ETX CRLF", "\x02OTP-100001\x03\r\n"),
    ("EOT", "OTP-100001\x04"),
    ("byte order mark", "\ufeffOTP-100001"),
    ("AIM Code128", "]C0OTP-100001"),
    ("AIM GS1-128", "]C1OTP-100001"),
    ("AIM QR", "]Q1OTP-100001\r"),
    ("AIM QR model 2", "]Q3OTP-100001"),
    ("AIM Data Matrix", "]d2OTP-100001"),
    ("AIM PDF417", "]L2OTP-100001\n"),
    ("AIM inside STX", "\x02]Q1OTP-100001\x03"),
    ("prefix suffix", f"{PREFIX}OTP-100001{SUFFIX}"),
    ("prefix suffix CRLF", f"{PREFIX}OTP-100001{SUFFIX}\r\n"),
    ("prefix then AIM", f"{PREFIX}]C0OTP-100001{SUFFIX}"),
    ("AIM then prefix", f"]Q1{PREFIX}OTP-100001{SUFFIX}\r"),
    ("prefix spaces", f"{PREFIX} OTP-100001 {SUFFIX}"),
]


@pytest.mark.parametrize(("label", "scanned"), FRAMED, ids=[f[0] for f in FRAMED])
def test_framed_badge_same_key(label, scanned):
    scan = classify(scanned.encode(), prefix=PREFIX, suffix=SUFFIX)
    assert scan == BadgeScan("otp-100001"), label


def test_prefix_removed_only_when_configured():
    scan = classify(f"{PREFIX}OTP-100001".encode())
    assert scan == BadgeScan(f"{PREFIX}OTP-100001".casefold())


def test_prefix_removed_once():
    assert strip_framing("PPOTP", prefix="P") == "POTP"


def test_suffix_removed_once():
    assert strip_framing("OTPSS", suffix="S") == "OTPS"


def test_control_character_prefix():
    scan = classify(b"\x1bKOTP-100001\x1bE", prefix="\x1bK", suffix="\x1bE")
    assert scan == BadgeScan("otp-100001")


GS1_FORMS = [
    ("human readable", "(01)09501101530003(10)AB-12(21)77"),
    ("with FNC1 as GS", "0109501101530003" + "10AB-12\x1d" + "2177"),
    ("leading FNC1", "\x1d0109501101530003" + "10AB-12\x1d" + "2177"),
    ("without separators", "010950110153000310AB-122177"),
    ("AIM GS1-128", "]C10109501101530003" + "10AB-12\x1d" + "2177\r\n"),
    ("lower case", "(01)09501101530003(10)ab-12(21)77"),
]


@pytest.mark.parametrize(("label", "scanned"), GS1_FORMS, ids=[f[0] for f in GS1_FORMS])
def test_code128_forms_same_key(label, scanned):
    scan = classify(scanned.encode())
    assert scan == BadgeScan("010950110153000310ab-122177"), label


def test_roster_code_in_human_readable_form():
    assert badge_key("(01)09501101530003(10)AB-12(21)77") == badge_key(
        "0109501101530003\x1d10AB-12\x1d2177"
    )


def test_parentheses_kept_outside_gs1_form():
    assert badge_key("OTP-(7)") == "otp-(7)"


UNREADABLE = [
    ("NUL inside", b"OTP-10\x000001", "control_characters"),
    ("BEL inside", b"OTP-10\x070001", "control_characters"),
    ("escape sequence", b"OTP-100001\x1b[2J", "control_characters"),
    ("DEL", b"OTP-10\x7f0001", "control_characters"),
    ("C1 control", "OTP-10\u00850001".encode(), "control_characters"),
    ("zero-width space", "OTP-\u200b100001".encode(), "control_characters"),
    ("byte order mark inside", "OTP-\ufeff100001".encode(), "control_characters"),
    ("line separator", "OTP-\u2028100001".encode(), "control_characters"),
    ("CR inside", b"OTP-10\r0001", "control_characters"),
    ("terminal attack", b"\x00\x07\x1b[2J\x1b]0;pwned\x07", "control_characters"),
    ("not UTF-8", b"OTP-\xff\xfe", "not_utf8"),
    ("empty", b"", "empty"),
    ("framing only", b"\x02 \r\n\x03", "empty"),
    ("AIM id only", b"]C0\r\n", "empty"),
    ("over 4 KiB", b"A" * (MAX_PAYLOAD_BYTES + 1), "too_long"),
]


@pytest.mark.parametrize(
    ("label", "payload", "reason"), UNREADABLE, ids=[u[0] for u in UNREADABLE]
)
def test_unreadable_payloads(label, payload, reason):
    assert classify(payload) == Unreadable(reason), label


def test_exactly_4_kib_is_readable():
    scan = classify(b"A" * MAX_PAYLOAD_BYTES)
    assert isinstance(scan, BadgeScan)


def test_size_limit_counts_framing_bytes():
    payload = b"\r\n" + b"A" * (MAX_PAYLOAD_BYTES - 1)
    assert classify(payload) == Unreadable("too_long")


def test_sign_out_code_any_case():
    assert classify(b"  so1-12-abcdefghijklm\r\n") == SignOutScan(
        "so1-12-abcdefghijklm"
    )


def test_group_separator_allowed_in_badge():
    assert not has_control_characters("01\x1d10", allowed="\x1d")
    assert has_control_characters("01\x1e10", allowed="\x1d")


# Codes as the property tests draw them: printable ASCII without the edge
# characters that would be stripped, the first characters that make a payload
# a licence, a sign-out code or an AIM identifier, and the framing characters.
_CODE_CHARS = "".join(
    ch for ch in string.ascii_letters + string.digits + "-_./:#+=$*" if ch not in "~<>"
)
codes = st.text(_CODE_CHARS, min_size=1, max_size=40).filter(
    lambda code: not code.upper().startswith("SO1-")
)
edges = st.text(" \t\r\n\x02\x03", max_size=4)
aim_ids = st.sampled_from(["", "]C0", "]C1", "]Q1", "]Q3", "]d2", "]L2", "]e0"])


@settings(derandomize=True, database=None, max_examples=500)
@given(
    code=codes,
    before=edges,
    after=edges,
    aim=aim_ids,
    prefixed=st.booleans(),
    swap_case=st.booleans(),
)
def test_any_framing_gives_same_key(code, before, after, aim, prefixed, swap_case):
    scanned = code.swapcase() if swap_case else code
    if prefixed:
        scanned = PREFIX + aim + scanned + SUFFIX
    else:
        scanned = aim + scanned
    scan = classify((before + scanned + after).encode(), prefix=PREFIX, suffix=SUFFIX)
    assert scan == BadgeScan(badge_key(code))


@settings(derandomize=True, database=None, max_examples=300)
@given(
    code=st.text(_CODE_CHARS, min_size=2, max_size=40),
    control=st.sampled_from(
        [chr(c) for c in range(0x20) if c != 0x1D] + ["\x7f", "\x85", "\u200b"]
    ),
    where=st.integers(1, 39),
)
def test_control_character_inside_is_unreadable(code, control, where):
    where = min(where, len(code) - 1)
    scan = classify((code[:where] + control + code[where:]).encode())
    assert isinstance(scan, Unreadable)


_AI_VALUES = st.lists(
    st.tuples(
        st.sampled_from(["10", "21", "240", "8004"]),
        st.text(string.ascii_uppercase + string.digits + "-", min_size=1, max_size=12),
    ),
    min_size=1,
    max_size=3,
)


@settings(derandomize=True, database=None, max_examples=300)
@given(gtin=st.text(string.digits, min_size=14, max_size=14), fields=_AI_VALUES)
def test_gs1_forms_share_key(gtin, fields):
    readable = f"(01){gtin}" + "".join(f"({ai}){value}" for ai, value in fields)
    with_gs = f"01{gtin}" + "\x1d".join(f"{ai}{value}" for ai, value in fields)
    plain = f"01{gtin}" + "".join(f"{ai}{value}" for ai, value in fields)
    keys = {
        badge_key(readable),
        badge_key(with_gs),
        badge_key(plain),
        badge_key(readable.lower()),
    }
    assert len(keys) == 1
    assert classify(("]C1" + with_gs + "\r\n").encode()) == BadgeScan(keys.pop())
