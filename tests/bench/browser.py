"""Bytes per page as a phone's Chromium receives them, through the DevTools protocol.

Each page opens in a fresh browser context (an empty cache), signed in with cookies from
the benchmark's own sign-in. The first load counts the HTML document and the CSS and JS it
pulls in, as transferred (compressed, with headers). Once a service worker controls the
page, a second load is the repeat visit: every static response that did not come from the
service worker counts, and so does every static file the server was asked for after it
began (the service worker's own fetches, which the page's protocol session does not see;
a request counts by when it arrived, not by when its last byte left).
"""

import shutil
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

from tests.browser.conftest import CHROMIUM_ARGS, PHONE

STATIC_TYPES = {"Stylesheet", "Script", "Image", "Font", "Manifest", "Other"}
SW_WAIT_SECONDS = 5


@dataclass
class Transfer:
    html: int = 0
    css: int = 0
    js: int = 0
    static_not_from_sw: int = 0
    static_requests: int = 0
    requests: dict = field(default_factory=dict)


class Recorder:
    """Collects each request's type, whether the service worker answered and its bytes."""

    def __init__(self, cdp):
        self.requests: dict[str, dict] = {}
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.responseReceived", self._received)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.send("Network.enable")

    def _sent(self, event) -> None:
        self.requests[event["requestId"]] = {
            "url": event["request"]["url"],
            "type": event.get("type", "Other"),
            "from_sw": False,
            "bytes": 0,
        }

    def _received(self, event) -> None:
        entry = self.requests.setdefault(event["requestId"], {"url": "", "bytes": 0})
        entry["type"] = event.get("type", entry.get("type", "Other"))
        entry["from_sw"] = bool(event["response"].get("fromServiceWorker"))
        entry["url"] = event["response"]["url"]

    def _finished(self, event) -> None:
        if event["requestId"] in self.requests:
            self.requests[event["requestId"]]["bytes"] = event["encodedDataLength"]

    def reset(self) -> None:
        self.requests.clear()

    def transfer(self) -> Transfer:
        result = Transfer(requests=dict(self.requests))
        for entry in self.requests.values():
            kind, size = entry.get("type"), entry["bytes"]
            if kind == "Document":
                result.html += size
            elif kind == "Stylesheet":
                result.css += size
            elif kind == "Script":
                result.js += size
            if _is_static(entry) and not entry.get("from_sw"):
                result.static_not_from_sw += size
                result.static_requests += 1
        return result


def _is_static(entry: dict) -> bool:
    path = urlsplit(entry.get("url", "")).path
    return entry.get("type") in STATIC_TYPES and (
        path.startswith("/static/") or path == "/manifest.webmanifest"
    )


def measure_pages(base_url: str, pages: list[dict], server_static_since) -> dict[str, dict]:
    """For each page {label, path, cookies}: first-load bytes and the repeat visit's.

    `server_static_since(moment)` answers the number and bytes of static files the server
    sent since `moment`."""
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS
        )
        try:
            for page_spec in pages:
                results[page_spec["label"]] = _measure(
                    browser, base_url, page_spec, server_static_since
                )
        finally:
            browser.close()
    return results


def _measure(browser, base_url: str, spec: dict, server_static_since) -> dict:
    context = browser.new_context(**PHONE, extra_http_headers={"X-Bench-Label": "browser"})
    host = urlsplit(base_url).hostname
    context.add_cookies(
        [{"name": n, "value": v, "domain": host, "path": "/"} for n, v in spec["cookies"].items()]
    )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    recorder = Recorder(cdp)
    page.goto(base_url + spec["path"], wait_until="load")
    first = recorder.transfer()
    controlled = _wait_for_service_worker(page)
    recorder.reset()
    since = time.time()
    page.goto(base_url + spec["path"], wait_until="load")
    time.sleep(0.3)
    repeat = recorder.transfer()
    server_requests, server_bytes = server_static_since(since)
    context.close()
    return {
        "html_bytes": first.html,
        "css_bytes": first.css,
        "js_bytes": first.js,
        "sw_controls_repeat": controlled,
        "repeat_static_bytes": repeat.static_not_from_sw,
        "repeat_static_requests": repeat.static_requests,
        "repeat_server_static_requests": server_requests,
        "repeat_server_static_bytes": server_bytes,
    }


def _wait_for_service_worker(page) -> bool:
    """Whether a service worker took control of the page (after one reload if it needs it)."""
    script = """async (seconds) => {
        if (!('serviceWorker' in navigator)) return false;
        const ready = navigator.serviceWorker.ready.then(() => true);
        const timeout = new Promise((resolve) => setTimeout(() => resolve(false), seconds * 1000));
        return Promise.race([ready, timeout]);
    }"""
    if not page.evaluate(script, SW_WAIT_SECONDS):
        return False
    if page.evaluate("() => Boolean(navigator.serviceWorker.controller)"):
        return True
    page.reload(wait_until="load")
    return page.evaluate("() => Boolean(navigator.serviceWorker.controller)")
