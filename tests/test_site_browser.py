"""The demo's site in a real browser: headless Chromium (Debian's chromium
and chromium-driver), driven by Selenium, against public/ served by
http.server on 127.0.0.1.

Most tests use the committed public/ as it is, so what they check is what
the demo publishes. Its audio lives at the demo's real base_url, which the
tests do not reach; one test therefore runs `feedtool serve` on a copy of
the demo, which builds it for its local address, so that the player loads
real audio before seeking.
"""

from __future__ import annotations

import functools
import io
import http.server
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import REPO
from lxml import etree

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (Debian: apt-get install chromium chromium-driver)",
                allow_module_level=True)

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

PUBLIC = REPO / "public"
EPISODE = "episodes/spike-jonze-her/"
DEMO_BASE = "https://feedtool.github.io/demo/"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """A static host as real ones are: quiet, and answering Range requests
    (a player seeks with them now that the site's audio links are relative)."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        match = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        path = Path(self.translate_path(self.path))
        if match is None or not path.is_file():
            return super().send_head()
        data = path.read_bytes()
        start = int(match.group(1))
        end = min(int(match.group(2)) if match.group(2) else len(data) - 1, len(data) - 1)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        return io.BytesIO(data[start:end + 1])


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)  # port 0: a free one
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(scope="module")
def site_url() -> Iterator[str]:
    assert (PUBLIC / "index.html").is_file(), "the demo's public/ has no site: run `feedtool build`"
    with serve(PUBLIC) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tmp_path_factory.mktemp("chromium-profile")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", f"--user-data-dir={profile}", "--window-size=1280,900"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # Naming the driver keeps Selenium Manager from downloading one.
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def load(driver: webdriver.Chrome, url: str) -> None:
    driver.get("about:blank")
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get(url)
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")


def severe_logs(driver: webdriver.Chrome) -> list[dict[str, object]]:
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def feed_items() -> list[tuple[str, str]]:
    channel = etree.parse(str(PUBLIC / "feed.xml")).getroot().find("channel")
    return [(i.findtext("title"), i.find("enclosure").get("url")) for i in channel.findall("item")]


def prop(driver: webdriver.Chrome, element: WebElement, name: str) -> object:
    return driver.execute_script(f"return arguments[0].{name}", element)


def seek_and_check(driver: webdriver.Chrome, link: WebElement, press_enter: bool = False) -> float:
    """Activate a chapter link; wait until the player stands at its start."""
    start = float(link.get_attribute("data-start"))
    player = driver.find_element(By.ID, "player")
    if press_enter:
        driver.execute_script("arguments[0].focus()", link)
        ActionChains(driver).send_keys(Keys.ENTER).perform()
    else:
        link.click()
    WebDriverWait(driver, 10).until(
        lambda d: abs(float(prop(d, player, "currentTime")) - start) < 1.5,
        f"the player did not seek to {start}")
    assert driver.current_url.split("#")[0].endswith(EPISODE), "the link was followed instead of seeking"
    return start


def test_pages_load_without_console_errors(browser, site_url):
    for path in ("", EPISODE):
        load(browser, site_url + path)
        assert severe_logs(browser) == [], path
        # The stylesheet and the script arrived and ran.
        assert browser.execute_script(
            "return getComputedStyle(document.body).backgroundColor") != "rgba(0, 0, 0, 0)"


def test_index_lists_every_episode_with_the_enclosure_as_player_source(browser, site_url):
    load(browser, site_url)
    cards = browser.find_elements(By.CSS_SELECTOR, "ol.episodes > li article")
    items = feed_items()
    assert [c.find_element(By.CSS_SELECTOR, "h3 a").text for c in cards] == [t for t, _ in items]
    for card, (_, enclosure) in zip(cards, items):
        audio = card.find_element(By.TAG_NAME, "audio")
        # Linked relatively: the served copy plays its own media (issue 15).
        assert prop(browser, audio, "src") == site_url + enclosure.removeprefix(DEMO_BASE)
        assert prop(browser, audio, "preload") == "none"
    # Each card leads to its episode page, which plays the same enclosure.
    cards[0].find_element(By.CSS_SELECTOR, "h3 a").click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith(EPISODE))
    assert prop(browser, browser.find_element(By.ID, "player"), "src") == site_url + items[0][1].removeprefix(DEMO_BASE)


def test_a_chapter_link_seeks_the_player(browser, site_url):
    load(browser, site_url + EPISODE)
    links = browser.find_elements(By.CSS_SELECTOR, "section.chapters a[data-start]")
    assert len(links) == 6
    # Before the audio is fetched the player keeps the time as its start
    # position (HTML, "default playback start position").
    # The demo's chapters are found by aligning its text to its audio (issue
    # 18): each within a tenth of a second of where the script put it.
    assert seek_and_check(browser, links[2]) == pytest.approx(113.282, abs=0.1)
    assert seek_and_check(browser, links[4], press_enter=True) == pytest.approx(190.318, abs=0.1)


def test_a_time_in_the_aligned_transcript_seeks_the_player(browser, site_url):
    load(browser, site_url + EPISODE)
    summary = browser.find_element(By.CSS_SELECTOR, "section.transcript summary")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", summary)
    summary.click()
    links = browser.find_elements(By.CSS_SELECTOR, "section.transcript a[data-start]")
    assert len(links) == 10  # every paragraph of the demo's text was found
    starts = [float(link.get_attribute("data-start")) for link in links]
    assert starts == sorted(starts)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", links[6])
    assert seek_and_check(browser, links[6]) == pytest.approx(152.88, abs=0.5)


@pytest.fixture(scope="module")
def local_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A copy of the demo under a real `feedtool serve` (a subprocess on a
    free port): the site is built for that address, so its audio is really
    fetched, with the Range requests a player seeks with."""
    show = tmp_path_factory.mktemp("demo") / "show"
    show.mkdir()
    for name in ("podcast.toml", "podcast-cover.png"):
        shutil.copy(REPO / name, show / name)
    shutil.copytree(REPO / "episodes", show / "episodes")
    if (REPO / ".feedtool-cache" / "align").is_dir():  # the demo's alignment, when a build has made it
        shutil.copytree(REPO / ".feedtool-cache" / "align", show / ".feedtool-cache" / "align")
    proc = subprocess.Popen([sys.executable, "-m", "feedtool", "serve", str(show), "--port", "0"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"})
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stderr], daemon=True).start()
    try:
        seen = []
        while True:
            try:
                line = lines.get(timeout=60)  # a first build aligns the demo (issue 18)
            except queue.Empty:
                pytest.fail(f"feedtool serve did not start: {seen}")
            seen.append(line)
            match = re.search(r"Serving (http://127\.0\.0\.1:\d+/)feed\.xml", line)
            if match:
                break
        yield match.group(1)
    finally:
        proc.terminate()
        proc.wait(10)


def test_under_feedtool_serve_a_chapter_link_seeks_loaded_audio(browser, local_demo):
    load(browser, local_demo + EPISODE)
    assert severe_logs(browser) == []
    player = browser.find_element(By.ID, "player")
    assert prop(browser, player, "src") == local_demo + "media/spike-jonze-her.mp3"
    link = browser.find_elements(By.CSS_SELECTOR, "section.chapters a[data-start]")[3]
    start = float(link.get_attribute("data-start"))
    link.click()
    WebDriverWait(browser, 15).until(lambda d: int(prop(d, player, "readyState")) >= 1, "no audio metadata")
    WebDriverWait(browser, 10).until(lambda d: start <= float(prop(d, player, "currentTime")) < start + 3)
    assert prop(browser, player, "duration") == pytest.approx(253.3, abs=0.5)
    WebDriverWait(browser, 10).until(lambda d: link.get_attribute("aria-current") == "true")
    marked = browser.find_elements(By.CSS_SELECTOR, "section.chapters a[aria-current]")
    assert marked == [link]
    browser.execute_script("arguments[0].pause()", player)
    assert severe_logs(browser) == []


def test_the_copy_button_puts_the_feed_url_on_the_clipboard(browser, site_url):
    feed_url = etree.parse(str(PUBLIC / "feed.xml")).getroot().find(
        "channel/{http://www.w3.org/2005/Atom}link[@rel='self']").get("href")
    browser.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": site_url.rstrip("/"), "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    load(browser, site_url)
    button = browser.find_element(By.CSS_SELECTOR, "button[data-copy]")
    assert button.is_displayed(), "the script shows the copy button"
    assert browser.find_element(By.ID, "feed-url").get_attribute("value") == feed_url
    button.click()
    status = browser.find_element(By.ID, "copy-status")
    WebDriverWait(browser, 10).until(lambda d: status.text.startswith("Copied"))
    pasted = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "navigator.clipboard.readText().then(done, e => done('error: ' + e));")
    assert pasted == feed_url


def test_without_javascript_the_pages_still_work(browser, site_url):
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        load(browser, site_url)
        assert not browser.find_element(By.CSS_SELECTOR, "button[data-copy]").is_displayed()
        assert browser.find_element(By.ID, "feed-url").is_displayed()
        load(browser, site_url + EPISODE)
        link = browser.find_elements(By.CSS_SELECTOR, "section.chapters a[data-start]")[1]
        enclosure = prop(browser, browser.find_element(By.ID, "player"), "src")
        assert link.get_attribute("href") == f"{enclosure}#t={link.get_attribute('data-start')}"
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


def test_keyboard_focus_is_visible(browser, site_url):
    load(browser, site_url + EPISODE)
    ActionChains(browser).send_keys(Keys.TAB).perform()
    focused = browser.switch_to.active_element
    assert focused.get_attribute("class") == "skip"
    assert focused.is_displayed(), "the skip link shows when focused"
    assert browser.execute_script("return getComputedStyle(arguments[0]).outlineStyle", focused) == "solid"
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    assert browser.current_url.endswith("#main")


def wait_for_metadata(driver: webdriver.Chrome, audio: WebElement) -> float:
    driver.execute_script("arguments[0].preload = 'metadata'; arguments[0].load()", audio)
    WebDriverWait(driver, 15).until(lambda d: prop(d, audio, "readyState") >= 1, "the audio did not load")
    return float(prop(driver, audio, "duration"))


def test_the_site_opened_from_disk_plays_its_own_audio(browser):
    """public/index.html opened as a file (or from a staging host) finds its media: the
    links are relative wherever the media are in public/."""
    load(browser, (PUBLIC / "index.html").as_uri())
    audio = browser.find_element(By.CSS_SELECTOR, "ol.episodes audio")
    assert prop(browser, audio, "src") == (PUBLIC / "media" / "spike-jonze-her.mp3").as_uri()
    assert wait_for_metadata(browser, audio) == pytest.approx(253, abs=1)
    download = browser.find_element(By.CSS_SELECTOR, "ol.episodes audio a")
    assert download.get_attribute("href") == (PUBLIC / "media" / "spike-jonze-her.mp3").as_uri()


def test_episode_page_shows_people_feed_link_and_search_data(browser, site_url):
    import json

    load(browser, site_url + EPISODE)
    people = [p.text for p in browser.find_elements(By.CSS_SELECTOR, ".episode-head .people .person")]
    assert people == ["Host: Audie Cornish", "Guest: Spike Jonze"]
    data = json.loads(browser.find_element(By.CSS_SELECTOR, "script[type='application/ld+json']")
                      .get_attribute("textContent"))
    assert data["@type"] == "PodcastEpisode" and data["partOfSeries"]["webFeed"] == DEMO_BASE + "feed.xml"
    assert data["associatedMedia"]["contentUrl"] == DEMO_BASE + "media/spike-jonze-her.mp3"
    alternate = browser.find_element(By.CSS_SELECTOR, "link[rel='alternate'][type='application/rss+xml']")
    assert alternate.get_attribute("href") == DEMO_BASE + "feed.xml"


def test_the_embed_page_is_a_player_that_plays(browser, site_url):
    load(browser, site_url + EPISODE + "embed.html")
    assert severe_logs(browser) == []
    audio = browser.find_element(By.TAG_NAME, "audio")
    assert prop(browser, audio, "src") == site_url + "media/spike-jonze-her.mp3"
    assert wait_for_metadata(browser, audio) == pytest.approx(253, abs=1)
    assert browser.find_element(By.CSS_SELECTOR, "h1 a").get_attribute("href") == DEMO_BASE + EPISODE
