"""The camera chain of the check-in scanner, without the app: a badge's QR code played by
Chromium's fake camera is read by the vendored jsQR in a real page.

If this fails, the scanner page cannot work either: the browser, its fake camera, the y4m
file or the vendored decoder is at fault, not the app.
"""
from __future__ import annotations

import functools
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from tests.fake_camera import CHROMIUM, chromium_available, chromium_options, qr_matrix, y4m_for_code

JSQR = Path(__file__).resolve().parent.parent / "static" / "vendor" / "jsqr" / "jsQR.js"
CODE = "EH1-7Q2KXWJ4M3ZP5RA6BCDEFGH2IJ"  # a badge token's shape: "EH1-" and 26 of A-Z, 2-7

# getUserMedia as the scanner asks for it (the back camera), each frame onto a canvas, jsQR on it.
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>camera check</title></head>
<body>
<video id="video" autoplay muted playsinline></video>
<canvas id="canvas" hidden></canvas>
<p id="status">starting</p>
<p id="result"></p>
<script src="jsQR.js"></script>
<script>
const status = document.getElementById("status");
const video = document.getElementById("video");
const canvas = document.getElementById("canvas");
const context = canvas.getContext("2d", {willReadFrequently: true});
let frames = 0;

function scan() {
  if (video.readyState >= video.HAVE_CURRENT_DATA && video.videoWidth) {
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    const image = context.getImageData(0, 0, canvas.width, canvas.height);
    const code = jsQR(image.data, image.width, image.height, {inversionAttempts: "dontInvert"});
    frames += 1;
    status.textContent = `scanned ${frames} frames of ${canvas.width}x${canvas.height}`;
    if (code && code.data) {
      document.getElementById("result").textContent = code.data;
      video.srcObject.getTracks().forEach(track => track.stop());
      return;
    }
  }
  // A timer, not requestAnimationFrame: a headless page may paint rarely, a timer always runs.
  setTimeout(scan, 50);
}

navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}, audio: false})
  .then(stream => { video.srcObject = stream; status.textContent = "camera on"; return video.play(); })
  .then(scan)
  .catch(error => { status.textContent = `error: ${error.name}: ${error.message}`; });
</script>
</body></html>
"""


def test_the_video_shows_the_code_as_a_badge_carries_it(tmp_path):
    y4m = y4m_for_code(CODE, tmp_path / "badge.y4m", width=320, height=240, frames=2)

    data = y4m.read_bytes()
    header, _, rest = data.partition(b"\n")
    assert header == b"YUV4MPEG2 W320 H240 F30:1 Ip A1:1 C420jpeg"
    frame_size = 6 + 320 * 240 * 3 // 2
    assert len(rest) == 2 * frame_size and rest[:6] == rest[frame_size:frame_size + 6] == b"FRAME\n"
    assert rest[:frame_size] == rest[frame_size:]
    assert len(qr_matrix(CODE)) == 25 + 2 * 4  # version 2, quiet zone of 4

    luma = Image.frombytes("L", (320, 240), rest[6:6 + 320 * 240])
    assert [result.text for result in zxingcpp.read_barcodes(luma)] == [CODE]


def test_the_launch_options_use_debians_chromium_and_the_file_camera(tmp_path):
    options = chromium_options(tmp_path / "badge.y4m")
    assert options["executable_path"] == CHROMIUM == "/usr/bin/chromium"
    for flag in ("--no-sandbox", "--disable-gpu", "--use-fake-device-for-media-stream",
                 "--use-fake-ui-for-media-stream"):
        assert flag in options["args"]
    assert f"--use-file-for-fake-video-capture={tmp_path / 'badge.y4m'}" in options["args"]


@pytest.fixture
def page_server(tmp_path):
    """http://127.0.0.1:<port>/ serving the check page and the vendored jsQR.js (localhost is a secure context)."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(PAGE, encoding="utf-8")
    shutil.copyfile(JSQR, site / "jsQR.js")

    class QuietHandler(SimpleHTTPRequestHandler):
        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.mark.skipif(not chromium_available(), reason=f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
def test_chromium_reads_the_badge_code_from_its_fake_camera(tmp_path, page_server):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    y4m = y4m_for_code(CODE, tmp_path / "badge.y4m", frames=1)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**chromium_options(y4m), timeout=30_000)
        try:
            page = browser.new_page()
            console = []
            page.on("console", lambda message: console.append(message.text))
            page.on("pageerror", lambda error: console.append(str(error)))
            page.goto(page_server)
            try:
                page.wait_for_function(
                    "code => document.getElementById('result').textContent === code", arg=CODE, timeout=10_000)
            except PlaywrightTimeout:
                status, read = page.text_content("#status"), page.text_content("#result")
                pytest.fail(f"{CODE} not read (read {read!r}); page says {status!r}; console {console!r}")
            assert page.text_content("#result") == CODE
        finally:
            browser.close()
