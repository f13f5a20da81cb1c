"""Find and decode barcodes in camera frames with zxing-cpp and pyzbar.

Each symbology is read by the library that did best on it in ``bench/camera.py``
(see ``DEFAULT_CHOICE``). zbar cannot read PDF417 at all (Debian's libzbar0
0.23.92 is built without it), so a licence is always read by zxing-cpp.

A scan hands on the symbol's raw bytes (zxing-cpp ``Barcode.bytes``, pyzbar
``Decoded.data``), not a library's rendering of them: zxing-cpp's default text
mode writes control characters as ``<LF>``, ``<RS>``, which would break an
AAMVA licence.

zxing-cpp finds PDF417 only within a few degrees of level (and at 90 and 180).
After a miss the frame is searched for a barcode-like region, which is turned
level and read again, then read once more at twice the size.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

import cv2
import numpy as np
import zxingcpp

logger = logging.getLogger(__name__)

ZXING, ZBAR = "zxing-cpp", "pyzbar"
SYMBOLOGIES = ("qr", "code128", "pdf417")
ZBAR_SYMBOLOGIES = frozenset({"qr", "code128"})

DEFAULT_CHOICE = {"qr": ZXING, "code128": ZXING, "pdf417": ZXING}
"""Decoder per symbology, from bench/camera.py (zxing-cpp 3.1.1, pyzbar 0.1.9
with libzbar 0.23.92, 2 CPUs). With the retry below, zxing-cpp read 36 of 36
rendered Code128 frames to pyzbar's 26, 99 of 106 public QR photos to 81 (with
9 wrong payloads from pyzbar, none from zxing-cpp), and took a fraction of
pyzbar's time per frame. zbar reads no PDF417."""

_ZXING_FORMATS = {
    "qr": zxingcpp.BarcodeFormat.QRCode,
    "code128": zxingcpp.BarcodeFormat.Code128,
    "pdf417": zxingcpp.BarcodeFormat.PDF417,
}
_ZXING_NAMES = {
    zxingcpp.BarcodeFormat.QRCode: "qr",
    zxingcpp.BarcodeFormat.Code128: "code128",
    zxingcpp.BarcodeFormat.PDF417: "pdf417",
}
_ZBAR_NAMES = {"QRCODE": "qr", "CODE128": "code128"}

MIN_REGION_PIXELS = 1500
"""Smallest barcode-like region (in pixels of the frame) worth a second try."""

MIN_EDGE_DENSITY = 0.08
"""Share of a region's pixels on a strong edge below which it is no code. On
the frames of bench/camera.py, codes (rendered, and the public photos) measured
0.09 to 0.6, and the busiest regions of empty scenes 0.04 to 0.07."""

MIN_BAR_EDGE_DENSITY = 0.04
MIN_BAR_ANISOTROPY = 2.0
"""A region below MIN_EDGE_DENSITY still gets the retry when its edges run
mostly one way, as the bars of Code128 and the rows of PDF417 do, with at
least MIN_BAR_EDGE_DENSITY. Light-on-dark Code128 cards that the edge
density alone missed measured 0.069 to 0.079 density and 2.5 to 4.6
anisotropy (gradients across the bars over those along them). The 80 empty
scenes of tests/frames.py measured at most 1.5 anisotropy."""


@dataclass(frozen=True)
class Decoded:
    """One code found in a frame."""

    payload: bytes
    symbology: str
    decoder: str
    text: str
    """The library's own text for the code (charset and ECI applied); for
    comparing with expected text, never handed to the parsers."""


def to_gray(frame: np.ndarray) -> np.ndarray:
    if frame.ndim == 2:
        return frame
    return cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)


class ZxingBackend:
    name = ZXING

    def __init__(self, symbologies: Iterable[str]) -> None:
        self.symbologies = frozenset(symbologies)
        self.formats = zxingcpp.BarcodeFormats(
            [_ZXING_FORMATS[symbology] for symbology in sorted(self.symbologies)]
        )

    def read(self, gray: np.ndarray) -> list[Decoded]:
        found = zxingcpp.read_barcodes(
            gray, formats=self.formats, text_mode=zxingcpp.TextMode.Plain
        )
        return [
            Decoded(bytes(code.bytes), _ZXING_NAMES[code.format], ZXING, code.text)
            for code in found
            if code.valid and code.format in _ZXING_NAMES
        ]


class ZbarBackend:
    name = ZBAR

    def __init__(self, symbologies: Iterable[str]) -> None:
        from pyzbar import pyzbar

        unknown = set(symbologies) - ZBAR_SYMBOLOGIES
        if unknown:
            raise ValueError(f"pyzbar cannot read {', '.join(sorted(unknown))}")
        self._pyzbar = pyzbar
        names = {"qr": pyzbar.ZBarSymbol.QRCODE, "code128": pyzbar.ZBarSymbol.CODE128}
        self.symbologies = frozenset(symbologies)
        self._symbols = [names[s] for s in sorted(self.symbologies)]

    def read(self, gray: np.ndarray) -> list[Decoded]:
        found = self._read(gray)
        if not found:
            # zbar reads only dark-on-light codes.
            found = self._read(cv2.bitwise_not(gray))
        return found

    def _read(self, gray: np.ndarray) -> list[Decoded]:
        codes = self._pyzbar.decode(gray, symbols=self._symbols)
        return [
            Decoded(
                code.data,
                _ZBAR_NAMES[code.type],
                ZBAR,
                code.data.decode("utf-8", errors="replace"),
            )
            for code in codes
            if code.type in _ZBAR_NAMES
        ]


class FrameDecoder:
    """Reads every barcode in a frame, each symbology with its chosen library."""

    def __init__(
        self,
        symbologies: Iterable[str] = SYMBOLOGIES,
        choice: dict[str, str] | None = None,
        *,
        retry: bool = True,
    ) -> None:
        choice = {**DEFAULT_CHOICE, **(choice or {})}
        requested = list(dict.fromkeys(symbologies))
        groups: dict[str, list[str]] = {}
        for symbology in requested:
            if symbology not in _ZXING_FORMATS:
                raise ValueError(f"unknown symbology {symbology!r}")
            decoder = choice[symbology]
            if decoder == ZBAR and symbology not in ZBAR_SYMBOLOGIES:
                decoder = ZXING
            groups.setdefault(decoder, []).append(symbology)
        self.backends: list[ZxingBackend | ZbarBackend] = [
            ZxingBackend(names) if decoder == ZXING else ZbarBackend(names)
            for decoder, names in groups.items()
        ]
        self._retry_backend = ZxingBackend(requested)
        self.retry = retry

    def decode(self, frame: np.ndarray, *, retry: bool | None = None) -> list[Decoded]:
        """Return the codes in ``frame`` (BGR or grayscale), each payload once."""
        gray = to_gray(frame)
        found = self._read_all(gray)
        if not found and (self.retry if retry is None else retry):
            found = self._retry_level(gray)
        return _unique(found)

    def _read_all(self, gray: np.ndarray) -> list[Decoded]:
        found: list[Decoded] = []
        for backend in self.backends:
            found.extend(backend.read(gray))
        return found

    def _retry_level(self, gray: np.ndarray) -> list[Decoded]:
        region = find_code_region(gray)
        if region is None:
            return []
        patch = level_patch(gray, region)
        if not looks_like_code(patch):
            return []  # text or furniture, not a code: save the CPU
        # zxing-cpp 3.1.1's try_invert misses light-on-dark Code128 and PDF417.
        found = self._retry_backend.read(cv2.bitwise_not(gray))
        if found:
            return found
        larger = cv2.resize(patch, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
        for attempt in (patch, larger):
            found = self._retry_backend.read(attempt) or self._retry_backend.read(
                cv2.bitwise_not(attempt)
            )
            if found:
                return found
        return []


def _unique(found: list[Decoded]) -> list[Decoded]:
    seen: set[tuple[bytes, str]] = set()
    unique = []
    for code in found:
        key = (code.payload, code.symbology)
        if key not in seen:
            seen.add(key)
            unique.append(code)
    return unique


def find_code_region(gray: np.ndarray) -> tuple | None:
    """Return the rotated rectangle (``cv2.minAreaRect``) of the largest
    barcode-like region: dense, strong edges closed into one blob."""
    # Work at half size: the region only needs to be found, not read.
    small_scale = 0.5 if gray.shape[1] > 800 else 1.0
    small = cv2.resize(
        gray, None, fx=small_scale, fy=small_scale, interpolation=cv2.INTER_AREA
    )

    # Strong gradients in both directions, smoothed and split from the rest.
    grad_x = cv2.convertScaleAbs(cv2.Sobel(small, cv2.CV_16S, 1, 0, ksize=3))
    grad_y = cv2.convertScaleAbs(cv2.Sobel(small, cv2.CV_16S, 0, 1, ksize=3))
    magnitude = cv2.blur(cv2.addWeighted(grad_x, 0.5, grad_y, 0.5, 0), (5, 5))
    _, mask = cv2.threshold(magnitude, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)

    # Close the gaps between bars and modules, and drop specks.
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9))
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel)
    mask = cv2.erode(mask, None, iterations=2)
    mask = cv2.dilate(mask, None, iterations=2)

    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    largest = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(largest) / (small_scale * small_scale)
    if area < MIN_REGION_PIXELS:
        return None
    (cx, cy), (w, h), angle = cv2.minAreaRect(largest)
    scale = 1 / small_scale
    return (cx * scale, cy * scale), (w * scale, h * scale), angle


def level_patch(gray: np.ndarray, region: tuple) -> np.ndarray:
    """Cut ``region`` out of ``gray`` with a margin and turn it level."""
    (cx, cy), (w, h), angle = region
    if w < h:
        w, h = h, w
        angle -= 90
    margin = 0.15 * max(w, h) + 20
    out_w, out_h = int(w + 2 * margin), int(h + 2 * margin)
    matrix = cv2.getRotationMatrix2D((cx, cy), angle, 1.0)
    matrix[0, 2] += out_w / 2 - cx
    matrix[1, 2] += out_h / 2 - cy
    return cv2.warpAffine(
        gray,
        matrix,
        (out_w, out_h),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )


def looks_like_code(patch: np.ndarray) -> bool:
    """Tell whether a levelled region has the edges of a code: dense, or
    fairly dense and mostly in one direction, like bars."""
    density, anisotropy = edge_measures(patch)
    if density >= MIN_EDGE_DENSITY:
        return True
    return density >= MIN_BAR_EDGE_DENSITY and anisotropy >= MIN_BAR_ANISOTROPY


def edge_density(patch: np.ndarray) -> float:
    """Return the share of pixels whose gradient is at least a quarter of the
    patch's strongest (99th percentile), independent of contrast."""
    return edge_measures(patch)[0]


def edge_measures(patch: np.ndarray) -> tuple[float, float]:
    """Return the patch's edge density (see ``edge_density``) and its
    anisotropy: the larger of the summed horizontal and vertical gradient
    over the smaller, 1.0 for edges with no main direction."""
    grad_x = cv2.Sobel(patch, cv2.CV_32F, 1, 0, ksize=3)
    grad_y = cv2.Sobel(patch, cv2.CV_32F, 0, 1, ksize=3)
    magnitude = cv2.magnitude(grad_x, grad_y)
    strongest = float(np.percentile(magnitude, 99))
    if strongest <= 0:
        return 0.0, 1.0
    density = float(np.count_nonzero(magnitude >= 0.25 * strongest)) / magnitude.size
    across = float(np.abs(grad_x).sum())
    along = float(np.abs(grad_y).sum())
    anisotropy = max(across, along) / max(min(across, along), 1.0)
    return density, anisotropy
