"""Find the scanners and cameras a machine has, and explain why one will not open."""

from __future__ import annotations

import errno
import grp
import os
import re
from dataclasses import dataclass
from pathlib import Path

_VIDEO_NODE = re.compile(r"^video(\d+)$")


@dataclass(frozen=True)
class DeviceInfo:
    path: str
    description: str
    """The system's name for the device (``Honeywell 1900``), or empty."""
    stable_names: tuple[str, ...] = ()
    """Symlinks that survive replugging (``/dev/serial/by-id/...``)."""


def device_group(path: str) -> str | None:
    """Return the name of the group that owns device ``path``, if it can be read."""
    try:
        gid = os.stat(path).st_gid
        return grp.getgrgid(gid).gr_name
    except (OSError, KeyError):
        return None


def permission_advice(path: str) -> str:
    """Say what lets the kiosk's user open ``path``."""
    group = device_group(path)
    if group and group != "root":
        return (
            f"permission denied on {path}: add the kiosk's user to the '{group}' "
            f"group (sudo usermod -aG {group} USER), then log in again"
        )
    return f"permission denied on {path}: the kiosk's user may not open it"


def explain_open_error(exc: BaseException, path: str) -> str:
    """Say in plain words why ``path`` did not open, and what to do about it."""
    code = getattr(exc, "errno", None)
    if code is None and isinstance(exc.__context__, OSError):
        code = exc.__context__.errno
    if code == errno.ENOENT:
        return f"{path} not found: is the device plugged in?"
    if code == errno.EACCES:
        return permission_advice(path)
    if code == errno.EBUSY or "lock" in str(exc).lower():
        return f"{path} is in use by another program (a running kiosk?)"
    if code in (errno.ENXIO, errno.ENODEV, errno.EIO):
        return f"{path} is not answering: the device is gone or not ready"
    return f"{path} could not be opened: {exc}"


def stable_links(folder: str) -> dict[str, list[str]]:
    """Map each device in a folder of udev symlinks (``/dev/serial/by-id``) to
    the symlinks that point at it."""
    links: dict[str, list[str]] = {}
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return links
    for name in names:
        link = os.path.join(folder, name)
        links.setdefault(os.path.realpath(link), []).append(link)
    return links


def list_serial_ports() -> list[DeviceInfo]:
    """Return the serial ports pyserial finds (USB-CDC, USB-serial, RS-232)."""
    from serial.tools import list_ports

    by_id = stable_links("/dev/serial/by-id")
    ports = []
    for port in sorted(list_ports.comports(), key=lambda p: p.device):
        description = port.description if port.description != "n/a" else ""
        if port.vid is not None and port.pid is not None:
            description = f"{description} (USB {port.vid:04x}:{port.pid:04x})".strip()
        real = os.path.realpath(port.device)
        ports.append(DeviceInfo(port.device, description, tuple(by_id.get(real, []))))
    return ports


def list_cameras(device_dir: str = "/dev") -> list[DeviceInfo]:
    """Return the ``/dev/videoN`` nodes with the names the kernel gives them.

    A USB camera usually has two nodes; only the first delivers pictures.
    """
    by_id = stable_links(os.path.join(device_dir, "v4l", "by-id"))
    cameras = []
    try:
        names = os.listdir(device_dir)
    except OSError:
        return cameras
    nodes = sorted(
        (int(match[1]), name) for name in names if (match := _VIDEO_NODE.match(name))
    )
    for _, name in nodes:
        path = os.path.join(device_dir, name)
        sys_name = Path("/sys/class/video4linux") / name / "name"
        try:
            description = sys_name.read_text().strip()
        except OSError:
            description = ""
        real = os.path.realpath(path)
        cameras.append(DeviceInfo(path, description, tuple(by_id.get(real, []))))
    return cameras


def list_printers() -> list[DeviceInfo]:
    """Return USB printer devices: ``/dev/usb/lp*`` nodes and USB devices with a
    printer-class interface (which python-escpos opens by vendor and product id)."""
    printers = []
    for node in sorted(Path("/dev/usb").glob("lp*")):
        printers.append(DeviceInfo(str(node), "USB printer device file"))
    seen = set()
    for interface in sorted(Path("/sys/bus/usb/devices").glob("*:*")):
        try:
            if (interface / "bInterfaceClass").read_text().strip() != "07":
                continue
            device = interface.parent
            vendor = (device / "idVendor").read_text().strip()
            product = (device / "idProduct").read_text().strip()
        except OSError:
            continue
        if (vendor, product) in seen:
            continue
        seen.add((vendor, product))
        try:
            name = (device / "product").read_text().strip()
        except OSError:
            name = "USB printer"
        printers.append(DeviceInfo(f"usb 0x{vendor}:0x{product}", name))
    return printers
