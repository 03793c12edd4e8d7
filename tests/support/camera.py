"""A picture as Chromium's fake camera: the QR tests (plaques, events, certificates, learner
cards) film a printed code this way (``--use-file-for-fake-video-capture``)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from .browser import CHROMIUM, CHROMIUM_ARGS


def image_as_camera(png: Path, sharp: bool = False) -> str:
    """Return the path of a 640×480 y4m feed of 20 frames showing ``png`` centred on white.

    ``sharp`` scales without smoothing, for a small code drawn pixel for pixel.
    """
    y4m = png.with_suffix(".y4m")
    scale = "scale=640:480:force_original_aspect_ratio=decrease"
    scale += ":flags=neighbor," if sharp else ","
    scale += "pad=640:480:(ow-iw)/2:(oh-ih)/2:white"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-loop", "1", "-i", str(png), "-frames:v", "20"]
        + ["-vf", f"{scale},format=yuv420p", "-f", "yuv4mpegpipe", str(y4m)],
        check=True,
        timeout=60,
    )
    return str(y4m)


def camera_phone(playwright, base: str, feed: str):
    """A second phone (its own Chromium, 360×740, zh-CN) whose back camera films ``feed``,
    allowed to use it on ``base``; returns ``(browser, page)``: the caller closes the
    browser."""
    camera = ["--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={feed}"]
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + camera)
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="zh-CN", service_workers="allow"
    )
    context.grant_permissions(["camera"], origin=base)
    return browser, context.new_page()
