"""The serial reader on a real pseudo-terminal opened by pyserial."""

from __future__ import annotations

import os
import time

import pytest

from drivers.scanner.framing import SerialFramer
from drivers.scanner.serial_reader import SerialReader, open_port, parse_serial_format
from kiosk.assembly import build_kiosk
from kiosk.config import load_config
from kiosk.store.components import component_statuses
from tests.readers import Collected, PtyScanner, is_licence, sendable_payloads, wait_for

ENDS = {"cr": b"\r", "lf": b"\n", "crlf": b"\r\n"}


@pytest.fixture
def scanner(tmp_path):
    pty = PtyScanner(tmp_path)
    yield pty
    pty.close()


def start_reader(port: str, framer: SerialFramer, **options) -> tuple:
    scans, statuses = Collected(), Collected()
    reader = SerialReader(
        port, 9600, framer, scans, statuses, reconnect_interval=0.1, **options
    )
    reader.start()
    wait_for(lambda: reader.status and reader.status.ok, what="the port to open")
    return reader, scans, statuses


def payloads_of(scans: Collected) -> list[bytes]:
    return [scan.payload for scan in scans.items]


def expected_code(name: str, data: bytes, end: bytes) -> bytes:
    """What terminator framing can deliver: a badge holding the terminator ends
    at it (the framing cannot tell the two apart); licences come whole."""
    if end and end in data and not is_licence(name):
        return data.split(end)[0]
    return data


@pytest.mark.parametrize("terminator", ["cr", "lf", "crlf"])
def test_terminator_framing_delivers_every_payload(scanner, terminator):
    end = ENDS[terminator]
    reader, scans, _ = start_reader(str(scanner.link), SerialFramer(terminator))
    try:
        expected = []
        for name, data in sendable_payloads().items():
            expected.append(expected_code(name, data, end))
            scanner.write(data + end)
            count = len(expected)
            wait_for(lambda n=count: len(scans) >= n, what=name)
        time.sleep(0.3)
    finally:
        reader.stop()

    assert payloads_of(scans) == expected
    assert {scan.source for scan in scans.items} == {"serial"}


def test_idle_gap_framing_delivers_every_payload_exactly(scanner):
    framer = SerialFramer("none", idle_gap=0.08)
    reader, scans, _ = start_reader(str(scanner.link), framer)
    try:
        for count, (name, data) in enumerate(sendable_payloads().items(), 1):
            scanner.write(data)
            wait_for(lambda n=count: len(scans) >= n, what=name)
        time.sleep(0.3)
    finally:
        reader.stop()

    assert payloads_of(scans) == list(sendable_payloads().values())


def test_stx_etx_framing_delivers_every_payload_exactly(scanner):
    framer = SerialFramer("crlf", stx_etx=True)
    reader, scans, _ = start_reader(str(scanner.link), framer)
    try:
        for data in sendable_payloads().values():
            scanner.write(b"\x02" + data + b"\x03\r\n")
        wait_for(lambda: len(scans) >= len(sendable_payloads()), what="every scan")
        time.sleep(0.3)
    finally:
        reader.stop()

    assert payloads_of(scans) == list(sendable_payloads().values())


def test_code_split_across_writes(scanner):
    reader, scans, _ = start_reader(str(scanner.link), SerialFramer("cr"))
    try:
        licence = sendable_payloads()["dl_v8_P001.bin"]
        for start in range(0, len(licence), 7):
            scanner.write(licence[start : start + 7])
            time.sleep(0.003)
        scanner.write(b"\r")
        wait_for(lambda: len(scans) >= 1)
    finally:
        reader.stop()

    assert payloads_of(scans) == [licence]


def test_two_codes_in_one_write(scanner):
    reader, scans, _ = start_reader(str(scanner.link), SerialFramer("cr"))
    try:
        scanner.write(b"OTP-100001\rOTP-100002\r")
        wait_for(lambda: len(scans) >= 2)
        time.sleep(0.2)
    finally:
        reader.stop()

    assert payloads_of(scans) == [b"OTP-100001", b"OTP-100002"]


def test_read_timeout_mid_code(scanner):
    framer = SerialFramer("cr", idle_gap=0.08, partial_timeout=1.0)
    reader, scans, _ = start_reader(str(scanner.link), framer)
    try:
        scanner.write(b"OTP-10")
        # Several 50 ms reads time out before the rest arrives.
        time.sleep(0.4)
        assert len(scans) == 0
        scanner.write(b"0003\r")
        wait_for(lambda: len(scans) >= 1)
    finally:
        reader.stop()

    assert payloads_of(scans) == [b"OTP-100003"]


def test_unfinished_code_is_dropped(scanner):
    framer = SerialFramer("cr", idle_gap=0.05, partial_timeout=0.3)
    reader, scans, _ = start_reader(str(scanner.link), framer)
    try:
        scanner.write(b"OTP-10")
        wait_for(lambda: framer.dropped == 1, what="the partial code to be dropped")
        scanner.write(b"OTP-100004\r")
        wait_for(lambda: len(scans) >= 1)
    finally:
        reader.stop()

    assert payloads_of(scans) == [b"OTP-100004"]


def test_unplug_and_replug_under_new_name(scanner):
    reader, scans, statuses = start_reader(str(scanner.link), SerialFramer("cr"))
    filler = None
    try:
        first_device = scanner.device
        scanner.write(b"OTP-100001\r")
        wait_for(lambda: len(scans) >= 1)
        scanner.write(b"OTP-1000")  # half a code, then the cable is pulled

        scanner.unplug()
        wait_for(lambda: not reader.status.ok, what="the unplug to be noticed")
        wait_for(lambda: "not found" in reader.status.detail)
        # Hold the freed pseudo-terminal number so the scanner comes back
        # under another device name, as a replugged USB scanner often does.
        filler = os.openpty()
        second_device = scanner.plug()
        wait_for(lambda: reader.status.ok, what="the port to reopen")
        scanner.write(b"OTP-100002\r")
        wait_for(lambda: len(scans) >= 2)
        time.sleep(0.2)
    finally:
        reader.stop()
        if filler is not None:
            os.close(filler[0])
            os.close(filler[1])

    assert second_device != first_device
    assert payloads_of(scans) == [b"OTP-100001", b"OTP-100002"]
    states = [(status.ok, status.detail) for status in statuses.items]
    assert states[0] == (True, f"connected {scanner.link} ({first_device})")
    assert states[1] == (False, f"disconnected: {scanner.link}")
    assert states[2][0] is False
    assert "not found" in states[2][1]
    assert states[-1] == (True, f"connected {scanner.link} ({second_device})")


def test_missing_port_is_reported(tmp_path):
    statuses = Collected()
    reader = SerialReader(
        str(tmp_path / "nothing"),
        9600,
        SerialFramer(),
        Collected(),
        statuses,
        reconnect_interval=0.1,
    )
    reader.start()
    try:
        wait_for(lambda: len(statuses) >= 1)
    finally:
        reader.stop()

    status = statuses.items[0]
    assert status.component == "scanner"
    assert not status.ok
    assert (
        status.detail == f"{tmp_path / 'nothing'} not found: is the device plugged in?"
    )


def test_port_in_use_is_reported(scanner):
    holder = open_port(str(scanner.link), 9600)
    statuses = Collected()
    reader = SerialReader(
        str(scanner.link),
        9600,
        SerialFramer(),
        Collected(),
        statuses,
        reconnect_interval=0.1,
    )
    reader.start()
    try:
        wait_for(lambda: len(statuses) >= 1)
    finally:
        reader.stop()
        holder.close()

    assert "in use by another program" in statuses.items[0].detail


def test_stop_releases_the_port(scanner):
    reader, _, _ = start_reader(str(scanner.link), SerialFramer())

    reader.stop()

    assert not reader._thread.is_alive()
    open_port(str(scanner.link), 9600).close()


def test_serial_format_parsed():
    assert parse_serial_format("7E1") == (7, "E", 1.0)
    with pytest.raises(ValueError, match="invalid serial format"):
        parse_serial_format("9X3")


def test_status_goes_to_component_table(scanner, make_config):
    config = load_config(
        str(
            make_config(
                scanner={
                    "kind": "serial",
                    "port": str(scanner.link),
                    "reconnect_seconds": 0.1,
                }
            )
        )
    )
    kiosk = build_kiosk(config)
    scans = Collected()
    reader = kiosk.open_reader(scans)
    reader.start()

    def rows():
        with kiosk.store.read() as session:
            return [(r.component, r.ok, r.detail) for r in component_statuses(session)]

    try:
        wait_for(lambda: rows() and rows()[0][1], what="a connected row")
        scanner.unplug()
        wait_for(lambda: rows()[0][1] is False, what="a disconnected row")
        down = rows()
        scanner.plug()
        wait_for(lambda: rows()[0][1] is True, what="a reconnected row")
        scanner.write(b"OTP-100001\r")
        wait_for(lambda: len(scans) >= 1)
    finally:
        reader.stop()
        kiosk.close()

    assert down[0][0] == "scanner"
    # The row says the cable was pulled, or already that the port is gone.
    assert down[0][2] == f"disconnected: {scanner.link}" or "not found" in down[0][2]
    assert payloads_of(scans) == [b"OTP-100001"]
