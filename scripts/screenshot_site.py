"""Screenshot the built site: docs/screenshots/index.png and episode.png
(desktop width), plus index-phone.png and episode-phone.png (a phone's width).

Serves public/ on 127.0.0.1 with http.server and drives headless Chromium
through Selenium, so the pictures show what a browser really renders.
Needs Debian's chromium and chromium-driver and `pip install selenium`.
Run after `feedtool build`:  python scripts/screenshot_site.py [PUBLIC] [OUT]
"""

from __future__ import annotations

import base64
import functools
import http.server
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# (name suffix, CSS width, device scale factor, mobile?)
VIEWPORTS = (("", 1280, 1, False), ("-phone", 390, 2, True))


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """FOLDER on a free port of 127.0.0.1, in a thread; yields its URL."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def chromium() -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    with tempfile.TemporaryDirectory(prefix="feedtool-chromium-") as profile:
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--no-first-run", "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--hide-scrollbars", f"--user-data-dir={profile}"):
            options.add_argument(flag)
        # The Service names the driver, so Selenium Manager downloads nothing.
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        try:
            yield driver
        finally:
            driver.quit()


def full_page(driver: webdriver.Chrome, url: str, width: int, scale: int, mobile: bool) -> bytes:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": 900, "deviceScaleFactor": scale, "mobile": mobile})
    driver.get(url)
    driver.execute_script("return document.fonts.ready")
    height = driver.execute_script("return document.documentElement.scrollHeight")
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
    })
    return base64.b64decode(shot["data"])


def main(argv: list[str]) -> int:
    public = Path(argv[0]) if argv else ROOT / "public"
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "docs" / "screenshots"
    episodes = sorted(p.parent.name for p in (public / "episodes").glob("*/index.html"))
    if not (public / "index.html").is_file() or not episodes:
        print(f"{public}: no built site with an episode page; run `feedtool build` first", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    with serve(public) as base, chromium() as driver:
        for suffix, width, scale, mobile in VIEWPORTS:
            pages = {"index": base, "episode": f"{base}episodes/{episodes[0]}/"}
            for name, url in pages.items():
                target = out / f"{name}{suffix}.png"
                target.write_bytes(full_page(driver, url, width, scale, mobile))
                print(f"wrote {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
