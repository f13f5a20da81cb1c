"""Badge printers: transports that deliver an ESC/POS job to a device."""

from drivers.printer.base import (
    Delivery,
    PrinterError,
    PrinterState,
    PrinterTransport,
)
from drivers.printer.transports import make_transport

__all__ = [
    "Delivery",
    "PrinterError",
    "PrinterState",
    "PrinterTransport",
    "make_transport",
]
