"""Cutting a serial scanner's byte stream into codes (no port involved)."""

from __future__ import annotations

import logging

import pytest

from drivers.scanner.framing import SerialFramer, declared_licence_length
from tests.readers import payloads, sendable_payloads

TERMINATORS = {"cr": b"\r", "lf": b"\n", "crlf": b"\r\n"}


def run(framer: SerialFramer, reads: list[bytes], start: float = 100.0) -> list[bytes]:
    """Feed reads 10 ms apart, then let the line go quiet for two seconds."""
    codes = []
    at = start
    for data in reads:
        codes.extend(framer.feed(data, at))
        codes.extend(framer.poll(at))
        at += 0.010
    for quiet in (0.05, 0.2, 0.5, 2.0, 5.0):
        codes.extend(framer.poll(at + quiet))
    return codes


def test_declared_length_matches_fixture_licences():
    for name, data in payloads().items():
        if name.startswith("dl_") and "wedge_cr" not in name:
            assert declared_licence_length(data) == len(data), name


def test_declared_length_of_partial_header_is_unknown():
    assert declared_licence_length(b"@\n\x1e\rANSI 6360300800") is None
    assert declared_licence_length(b"OTP-100001") is None


@pytest.mark.parametrize("terminator", ["none"])
def test_idle_gap_framing_delivers_every_payload_exactly(terminator):
    for name, data in sendable_payloads().items():
        framer = SerialFramer(terminator, idle_gap=0.08)

        assert run(framer, [data]) == [data], name


def test_stx_etx_framing_delivers_every_payload_exactly():
    for name, data in sendable_payloads().items():
        framer = SerialFramer("cr", stx_etx=True)

        assert run(framer, [b"\x02" + data + b"\x03\r"]) == [data], name


@pytest.mark.parametrize("terminator", sorted(TERMINATORS))
def test_terminator_framing_delivers_payloads(terminator):
    end = TERMINATORS[terminator]
    for name, data in sendable_payloads().items():
        framer = SerialFramer(terminator)

        codes = run(framer, [data + end])

        if end in data and not name.startswith(("dl_", "bad_truncated")):
            # A badge sent with the terminator inside it ends there; the
            # scanner's framing cannot tell the two apart.
            assert codes == [data.split(end)[0]], name
        else:
            assert codes == [data], name


@pytest.mark.parametrize("terminator", sorted(TERMINATORS))
def test_licence_then_badge_in_one_read(terminator):
    end = TERMINATORS[terminator]
    licence = payloads()["dl_v8_P001.bin"]
    framer = SerialFramer(terminator)

    codes = framer.feed(licence + end + b"OTP-100002" + end, 1.0)

    assert codes == [licence, b"OTP-100002"]


def test_two_codes_in_one_read():
    framer = SerialFramer("cr")

    codes = framer.feed(b"OTP-100001\rOTP-100002\r", 1.0)

    assert codes == [b"OTP-100001", b"OTP-100002"]


def test_code_split_across_reads():
    framer = SerialFramer("crlf")

    first = framer.feed(b"OTP-10", 1.0)
    second = framer.feed(b"0001\r", 1.01)
    third = framer.feed(b"\nOTP", 1.02)
    fourth = framer.feed(b"-100002\r\n", 1.03)

    assert (first, second, third, fourth) == ([], [], [b"OTP-100001"], [b"OTP-100002"])


def test_licence_split_in_every_place():
    licence = payloads()["dl_v10_P002.bin"]
    for cut in range(1, len(licence)):
        framer = SerialFramer("cr")

        codes = run(framer, [licence[:cut], licence[cut:] + b"\r"])

        assert codes == [licence], cut


def test_read_timeout_mid_code_joins_the_rest():
    framer = SerialFramer("cr", idle_gap=0.08, partial_timeout=1.0)

    assert framer.feed(b"OTP-10", 1.0) == []
    assert framer.poll(1.5) == []  # a read timed out; the code is not finished

    assert framer.feed(b"0003\r", 1.6) == [b"OTP-100003"]


def test_partial_code_is_dropped_after_timeout(caplog):
    framer = SerialFramer("cr", idle_gap=0.08, partial_timeout=1.0)
    framer.feed(b"OTP-10", 1.0)

    with caplog.at_level(logging.WARNING):
        assert framer.poll(2.1) == []

    assert framer.dropped == 1
    assert not framer.pending
    assert "dropped an unfinished code of 6 bytes" in caplog.text
    assert framer.feed(b"OTP-100004\r", 3.0) == [b"OTP-100004"]


def test_wedge_style_licence_ends_on_quiet():
    # The header's lengths count an RS this scanner dropped, so the licence is
    # one byte shorter than declared and ends when the line goes quiet.
    licence = payloads()["dl_v8_P001_wedge_cr.bin"]
    framer = SerialFramer("cr", idle_gap=0.08)

    assert framer.feed(licence + b"\r", 1.0) == []
    assert framer.poll(1.05) == []

    assert framer.poll(1.1) == [licence]


def test_truncated_licence_ends_on_quiet():
    truncated = payloads()["bad_truncated_aamva.bin"]

    codes = run(SerialFramer("lf", idle_gap=0.08), [truncated + b"\n"])

    assert codes == [truncated]


def test_stray_line_feed_does_not_start_a_code():
    framer = SerialFramer("cr")

    codes = framer.feed(b"OTP-100001\r\nOTP-100002\r\n", 1.0)

    assert codes == [b"OTP-100001", b"OTP-100002"]


def test_empty_codes_are_ignored():
    assert SerialFramer("cr").feed(b"\r\r\r", 1.0) == []
    assert SerialFramer("cr", stx_etx=True).feed(b"\x02\x03", 1.0) == []


def test_stx_etx_ignores_noise_between_codes():
    framer = SerialFramer("none", stx_etx=True)

    codes = framer.feed(b"junk\x02OTP-1\x03\r\n\x00\x02OTP-2\x03", 1.0)

    assert codes == [b"OTP-1", b"OTP-2"]


def test_stx_inside_code_drops_the_partial():
    framer = SerialFramer("none", stx_etx=True)

    codes = framer.feed(b"\x02OTP-1\x02OTP-2\x03", 1.0)

    assert codes == [b"OTP-2"]
    assert framer.dropped == 1


def test_oversized_code_is_dropped_whole():
    framer = SerialFramer("cr", max_frame=100)

    codes = framer.feed(b"x" * 150 + b"\rOTP-100001\r", 1.0)

    assert codes == [b"OTP-100001"]
    assert framer.dropped == 1


def test_reset_forgets_partial():
    framer = SerialFramer("cr")
    framer.feed(b"OTP-1", 1.0)

    framer.reset()

    assert framer.feed(b"00001\r", 2.0) == [b"00001"]


def test_unknown_terminator_is_rejected():
    with pytest.raises(ValueError, match="unknown terminator"):
        SerialFramer("etx")


def test_oversized_code_without_terminator_ends_on_quiet():
    framer = SerialFramer("none", idle_gap=0.08, max_frame=100)

    assert framer.feed(b"x" * 150, 1.0) == []
    assert framer.poll(1.1) == []
    framer.feed(b"OTP-100001", 2.0)

    assert framer.poll(2.1) == [b"OTP-100001"]
    assert framer.dropped == 1
