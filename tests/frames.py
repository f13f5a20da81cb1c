"""Camera frames with barcodes in them, rendered for tests and benchmarks.

A symbol is written by zxing-cpp at one pixel a module, then scaled, turned,
blurred, dimmed or inverted and laid on a busy background, the way a card held
in front of a 1280x720 kiosk camera looks. Frames are written to real video
files and image sequences that ``cv2.VideoCapture`` opens.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import cv2
import numpy as np
import zxingcpp

WIDTH, HEIGHT = 1280, 720

FORMATS = {
    "qr": zxingcpp.BarcodeFormat.QRCode,
    "code128": zxingcpp.BarcodeFormat.Code128,
    "pdf417": zxingcpp.BarcodeFormat.PDF417,
}


def symbol_image(payload: bytes, symbology: str) -> np.ndarray:
    """Return the symbol for ``payload`` in grayscale, one pixel a module,
    with its quiet zone."""
    options = {"ec_level": "5"} if symbology == "pdf417" else {}
    barcode = zxingcpp.create_barcode(payload, FORMATS[symbology], **options)
    image = np.array(zxingcpp.write_barcode_to_image(barcode, scale=1))
    if symbology == "code128":
        # Linear symbols: make the bars about a sixth as tall as the symbol is wide.
        row = image[image.shape[0] // 2 : image.shape[0] // 2 + 1]
        image = np.repeat(row, max(image.shape[1] // 6, 20), axis=0)
        pad = np.full((8, image.shape[1]), 255, np.uint8)
        image = np.vstack([pad, image, pad])
    if symbology == "pdf417":
        # A licence's PDF417 rows are about three modules high.
        image = np.repeat(image, 3, axis=0)
    return image


def background(seed: int = 0) -> np.ndarray:
    """Return a busy office-like scene without any barcode in it."""
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:HEIGHT, 0:WIDTH]
    base = 90 + 60 * xs / WIDTH + 30 * ys / HEIGHT
    frame = np.dstack([base * 0.9, base, base * 1.1]).clip(0, 255).astype(np.uint8)
    for _ in range(6):
        x, y = int(rng.integers(0, WIDTH - 200)), int(rng.integers(0, HEIGHT - 150))
        w, h = int(rng.integers(60, 260)), int(rng.integers(40, 200))
        color = tuple(int(c) for c in rng.integers(30, 230, 3))
        cv2.rectangle(frame, (x, y), (x + w, y + h), color, -1)
    for line in range(3):
        cv2.putText(
            frame,
            "Welcome - sign in here",
            (40, 80 + 260 * line),
            cv2.FONT_HERSHEY_SIMPLEX,
            1.2,
            (40, 40, 40),
            2,
        )
    return frame


@dataclass(frozen=True)
class Look:
    """How a symbol appears in front of the camera."""

    name: str = "clean"
    module_px: float = 4.0
    """Pixels a module spans in the frame (PDF417 needs about 2)."""
    angle: float = 0.0
    """In-plane rotation in degrees, counter-clockwise."""
    blur: float = 0.0
    """Gaussian blur sigma in pixels."""
    dark: int = 0
    light: int = 255
    """Grey levels of bars and spaces (low contrast brings them together)."""
    inverted: bool = False
    """Light bars on a dark card."""
    noise: float = 0.0
    """Standard deviation of sensor noise, in grey levels."""
    offset: tuple[int, int] = (0, 0)
    """Shift of the card's centre from the frame's centre, in pixels."""


@dataclass(frozen=True)
class Shot:
    payload: bytes
    symbology: str
    look: Look = field(default_factory=Look)


def render(shot: Shot, scene: np.ndarray | None = None, seed: int = 0) -> np.ndarray:
    """Return a 1280x720 BGR frame with the shot's symbol on a card in it."""
    look = shot.look
    symbol = symbol_image(shot.payload, shot.symbology)
    if look.inverted:
        symbol = 255 - symbol
    upscaled = np.repeat(np.repeat(symbol, 4, axis=0), 4, axis=1)
    size = (
        max(1, round(symbol.shape[1] * look.module_px)),
        max(1, round(symbol.shape[0] * look.module_px)),
    )
    interpolation = cv2.INTER_AREA if look.module_px < 4 else cv2.INTER_LINEAR
    card = cv2.resize(upscaled, size, interpolation=interpolation).astype(np.float32)
    card = look.dark + card / 255.0 * (look.light - look.dark)
    margin = max(8, int(4 * look.module_px))
    card_fill = look.dark if look.inverted else look.light
    card = cv2.copyMakeBorder(
        card, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=card_fill
    )
    frame = (background(seed) if scene is None else scene).astype(np.float32)
    gray_card = np.dstack([card] * 3)
    mask = np.ones(card.shape, np.float32)
    center = (WIDTH / 2 + look.offset[0], HEIGHT / 2 + look.offset[1])
    matrix = cv2.getRotationMatrix2D(
        (card.shape[1] / 2, card.shape[0] / 2), look.angle, 1
    )
    corners = np.array(
        [
            [0, 0, 1],
            [card.shape[1], 0, 1],
            [0, card.shape[0], 1],
            [card.shape[1], card.shape[0], 1],
        ],
        np.float32,
    )
    turned = corners @ matrix.T
    matrix[0, 2] += center[0] - (turned[:, 0].min() + turned[:, 0].max()) / 2
    matrix[1, 2] += center[1] - (turned[:, 1].min() + turned[:, 1].max()) / 2
    warped = cv2.warpAffine(gray_card, matrix, (WIDTH, HEIGHT), flags=cv2.INTER_LINEAR)
    alpha = cv2.warpAffine(mask, matrix, (WIDTH, HEIGHT), flags=cv2.INTER_LINEAR)[
        ..., None
    ]
    frame = frame * (1 - alpha) + warped * alpha
    if look.blur:
        frame = cv2.GaussianBlur(frame, (0, 0), look.blur)
    if look.noise:
        rng = np.random.default_rng(seed + 1)
        frame = frame + rng.normal(0, look.noise, frame.shape)
    return frame.clip(0, 255).astype(np.uint8)


def with_noise(frame: np.ndarray, sigma: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    noisy = frame.astype(np.float32) + rng.normal(0, sigma, frame.shape)
    return noisy.clip(0, 255).astype(np.uint8)


# Looks a kiosk camera meets, per symbology: module sizes follow what a card
# 15-25 cm from a 1280x720 webcam gives.
LOOKS: dict[str, list[Look]] = {
    "qr": [
        Look("clean", module_px=8),
        Look("small", module_px=3),
        Look("rotated_30", module_px=6, angle=30),
        Look("rotated_90", module_px=6, angle=90),
        Look("blurred", module_px=7, blur=2.0),
        Look("low_contrast", module_px=6, dark=105, light=150),
        Look("inverted", module_px=6, inverted=True),
        Look("noisy", module_px=6, noise=12),
    ],
    "code128": [
        Look("clean", module_px=3),
        Look("small", module_px=1.6),
        Look("rotated_10", module_px=3, angle=10),
        Look("rotated_180", module_px=3, angle=180),
        Look("blurred", module_px=3, blur=1.0),
        Look("low_contrast", module_px=3, dark=105, light=150),
        Look("inverted", module_px=3, inverted=True),
        Look("noisy", module_px=3, noise=12),
    ],
    "pdf417": [
        Look("clean", module_px=3),
        Look("small", module_px=2.2),
        Look("rotated_8", module_px=3, angle=8),
        Look("rotated_90", module_px=2.6, angle=90),
        Look("blurred", module_px=3, blur=1.0),
        Look("low_contrast", module_px=3, dark=105, light=150),
        Look("inverted", module_px=3, inverted=True),
        Look("noisy", module_px=3, noise=10),
    ],
}


def looked(shots: Iterable[Shot], look: Look) -> list[Shot]:
    return [replace(shot, look=look) for shot in shots]


def write_video(
    path: Path,
    frames: Sequence[np.ndarray] | Iterable[np.ndarray],
    fps: float = 10.0,
    fourcc: str = "MJPG",
) -> Path:
    """Write frames to a video file that ``cv2.VideoCapture`` can play."""
    writer = cv2.VideoWriter(
        str(path), cv2.VideoWriter_fourcc(*fourcc), fps, (WIDTH, HEIGHT)
    )
    if not writer.isOpened():
        raise RuntimeError(f"cannot write video {path}")
    try:
        for frame in frames:
            writer.write(frame)
    finally:
        writer.release()
    return path


def write_sequence(folder: Path, frames: Iterable[np.ndarray]) -> str:
    """Write frames as numbered PNG files; return the ``%04d`` pattern that
    ``cv2.VideoCapture`` opens as an image sequence."""
    folder.mkdir(parents=True, exist_ok=True)
    for index, frame in enumerate(frames):
        cv2.imwrite(str(folder / f"frame{index:04d}.png"), frame)
    return str(folder / "frame%04d.png")
