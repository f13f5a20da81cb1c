"""``kiosk doctor``: list the scanners, cameras and printers this machine has,
open the configured ones, and report in plain words what works and what does
not.

The exit status is 0 when every configured part works, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import socket
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from drivers.scanner.devices import (
    DeviceInfo,
    explain_open_error,
    list_cameras,
    list_printers,
    list_serial_ports,
    permission_advice,
)
from kiosk.clock import Clock
from kiosk.commands import EXIT_FAILURE, EXIT_OK
from kiosk.config import Config

LICENCE_WIDTH = 1280
"""Frame width below which a licence's PDF417 is hard to resolve."""


@dataclass(frozen=True)
class Finding:
    part: str
    ok: bool | None
    """True works, False does not, None not used."""
    message: str


def register(
    commands: argparse._SubParsersAction, common: argparse.ArgumentParser
) -> None:
    doctor = commands.add_parser(
        "doctor",
        parents=[common],
        help="list scanners, cameras and printers and check the configured ones",
    )
    doctor.set_defaults(handler=run_doctor)


def run_doctor(config: Config, args: argparse.Namespace, clock: Clock) -> int:
    source = config.source or "built-in defaults"
    print(f"Settings: {source}")
    print()
    print("Devices on this machine")
    _print_devices("serial ports", list_serial_ports())
    _print_devices("cameras", list_cameras())
    _print_devices("printers", list_printers())
    print()
    print("Configured parts")
    findings = [check_scanner(config), check_camera(config), check_printer(config)]
    for finding in findings:
        label = {True: "ok  ", False: "FAIL", None: "--  "}[finding.ok]
        print(f"  [{label}] {finding.part}: {finding.message}")
    failed = [f for f in findings if f.ok is False]
    print()
    if failed:
        print(f"{len(failed)} configured part(s) do not work; see FAIL above.")
        return EXIT_FAILURE
    print("Every configured part works.")
    return EXIT_OK


def _print_devices(title: str, devices: list[DeviceInfo]) -> None:
    print(f"  {title}:")
    if not devices:
        print("    (none found)")
    for device in devices:
        line = f"    {device.path}"
        if device.description:
            line += f"  {device.description}"
        print(line)
        for name in device.stable_names:
            print(f"      also {name}")


# The scanner


def check_scanner(config: Config) -> Finding:
    scanner = config.scanner
    if scanner.kind == "wedge":
        return Finding(
            "scanner",
            None,
            "keyboard wedge: it types into the kiosk like a keyboard and cannot be "
            "checked from here; run `kiosk scan --listen` and scan a code",
        )
    if scanner.kind == "camera":
        return Finding("scanner", None, "the camera reads codes (see camera)")
    return check_serial_port(
        "scanner", scanner.port, scanner.baudrate, scanner.serial_format
    )


def check_serial_port(part: str, port: str, baudrate: int, fmt: str = "8N1") -> Finding:
    import serial

    from drivers.scanner.serial_reader import open_port

    where = f"serial {port} at {baudrate} baud"
    try:
        connection = open_port(port, baudrate, fmt)
    except (serial.SerialException, OSError, ValueError) as exc:
        return Finding(part, False, f"{where}: {explain_open_error(exc, port)}")
    connection.close()
    target = os.path.realpath(port)
    named = port if target == port else f"{port} (now {target})"
    return Finding(part, True, f"serial {named} opens at {baudrate} baud")


# The camera


def check_camera(config: Config) -> Finding:
    if config.scanner.kind != "camera":
        return Finding("camera", None, "not used ([scanner] kind is not 'camera')")
    from drivers.scanner.sources import DEVICE, open_capture, parse_source

    camera = config.camera
    source = parse_source(camera.source)
    path = (
        f"/dev/video{source.target}"
        if isinstance(source.target, int)
        else str(source.target)
    )
    if source.kind == DEVICE:
        problem = _device_problem(path, os.O_RDWR)
        if problem:
            return Finding("camera", False, problem)
    elif source.kind == "file" and not Path(path).exists():
        return Finding("camera", False, f"{path} not found")
    capture = open_capture(
        source.target, width=camera.width, height=camera.height, fps=camera.fps
    )
    if capture is None:
        return Finding("camera", False, f"{source} does not open as a camera or video")
    try:
        frame = _first_frame(capture)
    finally:
        capture.release()
    if frame is None:
        return Finding("camera", False, f"{source} opens but gives no picture")
    height, width = frame.shape[:2]
    message = f"{source} gives {width}x{height} pictures"
    if width < LICENCE_WIDTH:
        message += (
            f"; a licence's PDF417 needs about {LICENCE_WIDTH}x720, so licences "
            "may not read (badges will)"
        )
    return Finding("camera", True, message)


def _first_frame(capture, seconds: float = 3.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ok, frame = capture.read()
        if ok and frame is not None:
            return frame
    return None


def _device_problem(path: str, flags: int) -> str:
    """Return why ``path`` cannot be opened with ``flags``, or ''."""
    try:
        fd = os.open(path, flags | os.O_NONBLOCK)
    except OSError as exc:
        return explain_open_error(exc, path)
    os.close(fd)
    return ""


# The printer


def check_printer(config: Config) -> Finding:
    printer = config.printer
    if printer.connection == "none":
        return Finding("printer", None, "badge printing is off ([printer] connection)")
    if printer.connection == "network":
        return _check_network_printer(config)
    if printer.connection == "serial":
        return check_serial_port(
            "printer", printer.serial_device, printer.serial_baudrate
        )
    if printer.connection == "usb":
        return _check_usb_printer(printer.usb_vendor, printer.usb_product)
    return _check_file_printer(config.badge_dir)


def _check_network_printer(config: Config) -> Finding:
    from drivers.printer import PrinterError, make_transport
    from kiosk.commands.badge import no_status_advice

    printer = config.printer
    host, port, timeout = printer.host, printer.port, printer.timeout
    where = f"network printer {host}:{port}"
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except TimeoutError:
        return Finding("printer", False, f"{where}: no answer within {timeout:g} s")
    except ConnectionRefusedError:
        return Finding(
            "printer", False, f"{where}: connection refused (wrong port, or off?)"
        )
    except OSError as exc:
        return Finding("printer", False, f"{where}: {exc.strerror or exc}")
    if not printer.status_check:
        return Finding(
            "printer",
            True,
            f"{where} accepts connections (status not asked: [printer] "
            "status_check is off)",
        )
    try:
        state = make_transport(printer, config.badge_dir).probe()
    except PrinterError as exc:
        if exc.reason == "not_responding":
            return Finding(
                "printer",
                False,
                f"{where} accepts connections but does not respond to the ESC/POS "
                f"status request within {printer.status_timeout:g} s. "
                + no_status_advice("printer"),
            )
        return Finding("printer", False, f"{where}: {exc.words}")
    if state.fault is not None:
        return Finding("printer", False, f"{where}: {state.words}")
    return Finding("printer", True, f"{where} accepts connections: {state.words}")


def _check_usb_printer(vendor: int, product: int) -> Finding:
    expected_id = f"usb 0x{vendor:04x}:0x{product:04x}"
    for device in list_printers():
        if device.path == expected_id:
            return Finding(
                "printer", True, f"{expected_id} ({device.description}) present"
            )
    return Finding(
        "printer",
        False,
        f"{expected_id} not found among USB printers: is it plugged in and on?",
    )


def _check_file_printer(path: Path) -> Finding:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        return Finding("printer", False, f"{path}: {exc.strerror}")
    if mode is not None and stat.S_ISCHR(mode):
        problem = _device_problem(str(path), os.O_WRONLY)
        if problem:
            return Finding("printer", False, problem)
        return Finding("printer", True, f"printer device {path} opens for writing")
    folder = path if mode is not None else _existing_parent(path)
    if not os.access(folder, os.W_OK):
        return Finding("printer", False, permission_advice(str(folder)))
    return Finding("printer", True, f"badges are written as files to {path}")


def _existing_parent(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path
