"""Printer transports over real sockets, pseudo-terminals and files."""

from __future__ import annotations

import os
import time

import pytest

from drivers.printer.base import PrinterError
from drivers.printer.devices import (
    DeviceFile,
    NetworkPrinter,
    SerialPrinter,
    UsbPrinter,
)
from drivers.printer.fake import STALL, FakeNetworkPrinter
from drivers.printer.fake_serial import STALL as SERIAL_STALL
from drivers.printer.fake_serial import FakeSerialPrinter
from drivers.printer.status import state_from_answers
from drivers.printer.transports import EscposTransport, FolderTransport, make_transport
from kiosk.config import parse_config
from tests.escpos_decode import decode_job

# ESC t 17 selects CP866 (Cyrillic) in python-escpos's default profile.
JOB = b"\x1b@\x1bt\x11" + "Ирина\n".encode("cp866") + b"\x1dV\x00"
BIG_JOB = b"\x1b@" + b"0123456789ABCDEF\n" * 20000


def serial_transport(device: str, **options) -> EscposTransport:
    return EscposTransport(
        lambda: SerialPrinter(devfile=device, baudrate=115200, timeout=0.5),
        f"serial {device}",
        timeout=0.5,
        status_timeout=0.2,
        **options,
    )


def device_transport(device: str, **options) -> EscposTransport:
    return EscposTransport(
        lambda: DeviceFile(device, timeout=0.5),
        f"device {device}",
        timeout=0.5,
        status_timeout=0.2,
        **options,
    )


@pytest.mark.parametrize("make", [serial_transport, device_transport])
def test_pty_printer_receives_job_and_answers(make):
    with FakeSerialPrinter() as printer:
        delivery = make(printer.device).send(JOB, "job")
        assert printer.wait_for(b"\x1dV\x00")
    assert delivery.state.answered
    assert delivery.state.words == "ready"
    assert printer.status_requests == [1, 2, 4, 1, 2, 4]
    assert JOB in bytes(printer.data)


@pytest.mark.parametrize("make", [serial_transport, device_transport])
@pytest.mark.parametrize(
    ("state", "reason"),
    [({"paper": "out"}, "paper_out"), ({"cover_open": True}, "cover_open")],
)
def test_pty_printer_fault_stops_job(make, state, reason):
    with FakeSerialPrinter(**state) as printer:
        with pytest.raises(PrinterError) as raised:
            make(printer.device).send(JOB, "job")
        assert raised.value.reason == reason
        assert JOB not in bytes(printer.data)


@pytest.mark.parametrize("make", [serial_transport, device_transport])
def test_pty_printer_stalled_is_not_responding(make):
    with FakeSerialPrinter(mode=SERIAL_STALL) as printer:
        started = time.monotonic()
        with pytest.raises(PrinterError) as raised:
            make(printer.device).send(JOB, "job")
    assert raised.value.reason == "not_responding"
    assert time.monotonic() - started < 2


def test_serial_stall_without_status_times_out():
    with FakeSerialPrinter(mode=SERIAL_STALL) as printer:
        started = time.monotonic()
        with pytest.raises(PrinterError) as raised:
            serial_transport(printer.device, status_check=False).send(BIG_JOB, "job")
    assert raised.value.reason == "timed_out"
    assert time.monotonic() - started < 3


@pytest.mark.parametrize("make", [serial_transport, device_transport])
def test_missing_device_is_unreachable(make, tmp_path):
    with pytest.raises(PrinterError) as raised:
        make(str(tmp_path / "ttyUSB9")).send(JOB, "job")
    assert raised.value.reason == "unreachable"


def test_fifo_without_reader_is_unreachable(tmp_path):
    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    with pytest.raises(PrinterError) as raised:
        device_transport(str(fifo)).send(JOB, "job")
    assert raised.value.reason == "unreachable"


def test_fifo_with_reader_takes_job_without_status(tmp_path):
    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        delivery = device_transport(str(fifo)).send(JOB, "job")
        received = os.read(reader, 65536)
    finally:
        os.close(reader)
    assert received == JOB
    assert not delivery.state.answered


def test_fifo_nobody_reads_times_out(tmp_path):
    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        with pytest.raises(PrinterError) as raised:
            device_transport(str(fifo)).send(BIG_JOB, "job")
    finally:
        os.close(reader)
    assert raised.value.reason == "timed_out"


def test_network_bad_host_name_is_unreachable():
    transport = EscposTransport(
        lambda: NetworkPrinter(host="printer.invalid", port=9100, timeout=0.5),
        "network printer.invalid:9100",
    )
    with pytest.raises(PrinterError) as raised:
        transport.send(JOB, "job")
    assert raised.value.reason == "unreachable"


def test_network_stall_without_status_times_out():
    with FakeNetworkPrinter(mode=STALL) as printer:
        transport = EscposTransport(
            lambda: NetworkPrinter(host=printer.host, port=printer.port, timeout=0.5),
            "network",
            timeout=0.5,
            status_check=False,
        )
        with pytest.raises(PrinterError) as raised:
            transport.send(BIG_JOB, "job")
    assert raised.value.reason == "timed_out"


def test_network_job_decodes_with_status_requests():
    with FakeNetworkPrinter() as printer:
        transport = EscposTransport(
            lambda: NetworkPrinter(host=printer.host, port=printer.port, timeout=1),
            "network",
        )
        transport.send(JOB, "job")
        jobs = printer.wait_for_jobs(1)
    decoded = decode_job(bytes(jobs[0].data))
    assert decoded.status_requests == [1, 2, 4, 1, 2, 4]
    assert decoded.lines() == ["Ирина"]
    assert decoded.cuts == 1


def test_usb_printer_not_found_is_unreachable():
    transport = EscposTransport(
        lambda: UsbPrinter(idVendor=0x0FFF, idProduct=0x0FFF, timeout=500),
        "usb 0fff:0fff",
    )
    with pytest.raises(PrinterError) as raised:
        transport.send(JOB, "job")
    assert raised.value.reason == "unreachable"


def test_folder_writes_job_and_preview(tmp_path):
    delivery = FolderTransport(tmp_path / "badges").send(JOB, "visit-1", b"PNG")
    assert delivery.path == tmp_path / "badges" / "visit-1.bin"
    assert delivery.path.read_bytes() == JOB
    assert (tmp_path / "badges" / "visit-1.png").read_bytes() == b"PNG"


def test_folder_that_is_a_file_fails_cleanly(tmp_path):
    blocker = tmp_path / "badges"
    blocker.write_text("not a folder")
    with pytest.raises(PrinterError) as raised:
        FolderTransport(blocker / "inner").send(JOB, "visit-1")
    assert raised.value.reason == "io_error"


def test_make_transport_picks_each_connection(tmp_path):
    device = tmp_path / "lp0"
    device.write_bytes(b"")
    cases = {
        "file": ({"connection": "file"}, tmp_path / "badges", "folder"),
        "device": ({"connection": "file"}, device, "device"),
        "network": (
            {"connection": "network", "host": "10.0.0.5"},
            tmp_path,
            "network 10.0.0.5:9100",
        ),
        "serial": (
            {"connection": "serial", "serial_device": "/dev/ttyS7"},
            tmp_path,
            "serial /dev/ttyS7",
        ),
        "usb": (
            {"connection": "usb", "usb_vendor": 0x04B8, "usb_product": 0x0202},
            tmp_path,
            "usb 04b8:0202",
        ),
        "none": ({"connection": "none"}, tmp_path, "no printer"),
    }
    for name, (section, path, description) in cases.items():
        config = parse_config({"printer": section})
        transport = make_transport(config.printer, path)
        assert transport.description.startswith(description), name


def test_device_file_appends_jobs(tmp_path):
    device = tmp_path / "lp0"
    device.write_bytes(b"")
    transport = make_transport(
        parse_config({"printer": {"connection": "file"}}).printer, device
    )
    transport.send(JOB, "one")
    transport.send(JOB, "two")
    assert device.read_bytes() == JOB + JOB


def test_status_answers_decode():
    assert state_from_answers({1: 0x12, 2: 0x12, 4: 0x12}).words == "ready"
    assert state_from_answers({1: 0x12, 2: 0x12, 4: 0x1E}).words == "paper low"
    assert state_from_answers({1: 0x1A, 2: 0x32, 4: 0x72}).fault == "paper_out"
    assert state_from_answers({1: 0x1A, 2: 0x16, 4: 0x12}).fault == "cover_open"
    assert state_from_answers({1: 0x1A, 2: 0x52, 4: 0x12}).fault == "printer_error"
    assert state_from_answers({1: 0x1A, 2: 0x12, 4: 0x12}).fault == "offline"
