"""A camera that shows a badge's QR code, for browser tests of the check-in scanner.

Chromium can take its camera from a file: with --use-fake-device-for-media-stream and
--use-file-for-fake-video-capture=FILE.y4m, getUserMedia() returns a video track that plays
that raw YUV4MPEG2 file in a loop, and --use-fake-ui-for-media-stream grants the camera
without asking. y4m_for_code() writes such a file showing one QR code, standing still;
chromium_options() gives Playwright's launch() the arguments for it.

The browser is Debian's chromium (apt), never one that Playwright downloads:
`make test` and .ci/run install it where it is missing.
"""
from __future__ import annotations

import os
from pathlib import Path

import qrcode
from qrcode.constants import ERROR_CORRECT_M

CHROMIUM = "/usr/bin/chromium"

# Studio-range luma (BT.601), as a camera's I420 frames carry it; chroma 128 is grey.
_WHITE, _BLACK, _NEUTRAL_CHROMA = 235, 16, 128
_BORDER = 4  # the quiet zone, in modules, that the standard asks for
_FILL = 0.9  # share of the frame's shorter side that the code (quiet zone included) takes


def qr_matrix(code: str) -> list[list[bool]]:
    """The code's QR symbol as qrcode draws it for a badge (level M, smallest version), quiet zone included."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=_BORDER)
    qr.add_data(code)
    qr.make(fit=True)
    return qr.get_matrix()


def y4m_for_code(code: str, path: Path, width: int = 640, height: int = 480, frames: int = 30) -> Path:
    """Write a YUV4MPEG2 (4:2:0) video of `frames` identical frames: the code's QR, centred, black on white.

    The modules are whole squares of pixels, as big as fits in 90 % of the shorter side,
    so a decoder sees the code as a sharp camera held close to a badge would.
    """
    path = Path(path)
    if width % 2 or height % 2:
        raise ValueError("4:2:0 needs an even width and height")
    if frames < 1:
        raise ValueError("a video needs at least one frame")
    matrix = qr_matrix(code)
    modules = len(matrix)
    scale = int(min(width, height) * _FILL) // modules
    if scale < 2:
        raise ValueError(f"{width}x{height} is too small for a {modules}-module code")
    side = modules * scale
    left, top = (width - side) // 2, (height - side) // 2

    white_row = bytes([_WHITE]) * width
    rows = []
    for y in range(height):
        module_row = (y - top) // scale
        if y < top or module_row >= modules:
            rows.append(white_row)
            continue
        row = bytearray(white_row)
        for column, dark in enumerate(matrix[module_row]):
            if dark:
                start = left + column * scale
                row[start:start + scale] = bytes([_BLACK]) * scale
        rows.append(bytes(row))
    luma = b"".join(rows)
    chroma = bytes([_NEUTRAL_CHROMA]) * (width // 2 * (height // 2))
    frame = b"FRAME\n" + luma + chroma + chroma

    # Chromium reads up to the first newline of the header, and each frame's "FRAME" line
    # must be bare (6 bytes): it skips no frame parameters.
    header = f"YUV4MPEG2 W{width} H{height} F30:1 Ip A1:1 C420jpeg\n".encode("ascii")
    with path.open("wb") as out:
        out.write(header)
        for _ in range(frames):
            out.write(frame)
    return path


def chromium_available() -> bool:
    """Whether Debian's chromium is installed here (CI installs it; a bare machine may lack it)."""
    return os.access(CHROMIUM, os.X_OK)


def chromium_options(y4m: Path) -> dict:
    """Playwright's browser_type.launch() arguments: Debian's chromium, headless, its camera playing `y4m`."""
    return {
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={Path(y4m).resolve()}",
        ],
    }
