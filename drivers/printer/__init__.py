"""Badge printers: transports that deliver an ESC/POS job to a device."""

from drivers.printer.base import PrinterError, PrinterTransport
from drivers.printer.transports import make_transport

__all__ = ["PrinterError", "PrinterTransport", "make_transport"]
