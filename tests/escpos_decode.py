"""Decode captured ESC/POS jobs back into text and pictures, for assertions.

The stream is tokenised by npos (an independent Node.js ESC/POS parser) through
tests/node/escpos-decode.js; raster images are read back with zxing-cpp.
"""

from __future__ import annotations

import base64
import json
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import zxingcpp
from escpos.printer import Dummy

NODE_DIR = Path(__file__).with_name("node")


@dataclass
class DecodedJob:
    texts: list[dict] = field(default_factory=list)
    rasters: list[np.ndarray] = field(default_factory=list)
    native_codes: list[dict] = field(default_factory=list)
    status_requests: list[int] = field(default_factory=list)
    """The ``n`` of each ``DLE EOT n`` status request, in order."""
    cuts: int = 0

    @property
    def text(self) -> str:
        return "".join(item["text"] for item in self.texts)

    def lines(self) -> list[str]:
        return [line for line in self.text.splitlines() if line.strip()]

    def barcodes(self) -> list[tuple[str, str]]:
        """Return (format, text) of every code read from the raster images."""
        found = []
        for pixels in self.rasters:
            padded = np.pad(pixels, 16, constant_values=255)
            for result in zxingcpp.read_barcodes(padded):
                found.append((result.format.name, result.text))
        return found

    def codes(self) -> list[str]:
        """Return the data of every code: printer-native ones and pictures."""
        native = [item["data"] for item in self.native_codes]
        return native + [text for _symbology, text in self.barcodes()]


def code_pages(profile: str = "default") -> dict[str, str]:
    """Return the profile's code page table as {number: encoding} for the decoder."""
    pages = Dummy(profile=profile).profile.get_code_pages()
    return {
        str(number): name.lower().replace("_", "-") for name, number in pages.items()
    }


def decode_job(job: bytes, profile: str = "default") -> DecodedJob:
    with tempfile.NamedTemporaryFile(suffix=".bin") as handle:
        handle.write(job)
        handle.flush()
        completed = subprocess.run(
            [
                "node",
                str(NODE_DIR / "escpos-decode.js"),
                handle.name,
                json.dumps(code_pages(profile)),
            ],
            capture_output=True,
            check=True,
            timeout=60,
        )
    document = json.loads(completed.stdout)
    if "error" in document:
        raise AssertionError(f"npos cannot parse the job: {document['error']}")
    decoded = DecodedJob()
    for item in document["items"]:
        if item["type"] == "text":
            decoded.texts.append(item)
        elif item["type"] == "raster":
            pixels = np.frombuffer(base64.b64decode(item["pixels"]), dtype=np.uint8)
            decoded.rasters.append(pixels.reshape(item["height"], item["width"]).copy())
        elif item["type"] in ("qr_native", "barcode_native"):
            decoded.native_codes.append(item)
        elif item["type"] == "status_request":
            decoded.status_requests.append(item["n"])
        elif item["type"] == "cut":
            decoded.cuts += 1
    return decoded
