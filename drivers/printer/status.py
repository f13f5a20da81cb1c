"""Ask an ESC/POS printer for its real-time status (``DLE EOT n``).

Epson's ESC/POS command reference defines the responses used here. Every
response byte has bits 1 and 4 set and bits 0 and 7 clear, which tells a
status byte from stray data:

- ``DLE EOT 1`` printer status: bit 3 set means offline.
- ``DLE EOT 2`` offline cause: bit 2 cover open, bit 5 printing stopped at
  paper end, bit 6 an error occurred.
- ``DLE EOT 4`` roll paper sensor: bits 2-3 paper near end, bits 5-6 paper end.

A printer responds to these even while offline or with its buffer full, but
only once it reads them, so a printer that stopped reading its connection
sends nothing.
"""

from __future__ import annotations

from escpos.constants import RT_STATUS
from escpos.escpos import Escpos

from drivers.printer.base import PAPER_LOW, PAPER_OK, PAPER_OUT, PrinterState

PRINTER_STATUS, OFFLINE_CAUSE, PAPER_SENSOR = 1, 2, 4
_FIXED_MASK, _FIXED_BITS = 0x93, 0x12


def is_status_byte(value: int) -> bool:
    return value & _FIXED_MASK == _FIXED_BITS


def state_from_answers(answers: dict[int, int]) -> PrinterState:
    """Interpret response bytes keyed by the ``n`` of ``DLE EOT n``."""
    printer = answers.get(PRINTER_STATUS, _FIXED_BITS)
    cause = answers.get(OFFLINE_CAUSE, _FIXED_BITS)
    sensor = answers.get(PAPER_SENSOR, _FIXED_BITS)
    if sensor & 0x60 or cause & 0x20:
        paper = PAPER_OUT
    elif sensor & 0x0C:
        paper = PAPER_LOW
    else:
        paper = PAPER_OK
    return PrinterState(
        answered=True,
        online=not printer & 0x08,
        cover_open=bool(cause & 0x04),
        paper=paper,
        error=bool(cause & 0x40),
    )


def read_state(printer: Escpos) -> PrinterState:
    """Ask ``printer`` for its state; ``printer`` is an open python-escpos
    printer whose ``_read`` returns ``b""`` on a timeout. Without a valid
    response the state has ``answered=False``.
    """
    discard = getattr(printer, "discard_input", None)
    if discard is not None:
        discard()
    answers: dict[int, int] = {}
    for request in (PRINTER_STATUS, OFFLINE_CAUSE, PAPER_SENSOR):
        reply = printer.query_status(RT_STATUS + bytes([request]))
        # A late response to an earlier request may come first, so the last
        # byte is the response to this one.
        if not reply or not is_status_byte(reply[-1]):
            return PrinterState(answered=False)
        answers[request] = reply[-1]
    return state_from_answers(answers)
