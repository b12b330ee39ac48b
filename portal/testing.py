"""Helpers for browser tests: Playwright driving Debian's Chromium, and axe-core checks.

Playwright cannot download its own browsers here, so it launches /usr/bin/chromium (installed by
`make test`). axe-core comes from the npm registry (node_modules) and is injected into the page.
"""

import json
import os
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]
AXE_JS = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
# The phone the issues are written against: a 390 CSS px wide screen (iPhone 12–15), Arabic.
PHONE = {"width": 390, "height": 844}
PHONE_MAX_WIDTH = 400

# Runs in every document of a watched context once it has loaded (and its fonts): a page wider than a phone's
# screen (something cut off or a sideways scroll, RTL overflow included) is reported on the console, with the
# widest elements to say where. The DevTools protocol adds it, so the Content Security Policy does not apply.
OVERFLOW_MARK = "PORTAL-OVERFLOW "
OVERFLOW_PROBE = """
(() => {
  const check = () => {
    const root = document.documentElement;
    if (!root || root.clientWidth > MAX_WIDTH || root.scrollWidth <= root.clientWidth + 1) return;
    const width = root.clientWidth;
    const wide = [...document.body.querySelectorAll('*')]
      .filter((el) => { const r = el.getBoundingClientRect(); return r.width && (r.right > width + 1 || r.left < -1); })
      .slice(-4)
      .map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : ''));
    console.warn('MARK' + location.pathname + location.search + ' is ' + root.scrollWidth + ' px wide on a '
      + width + ' px screen: ' + wide.join(', '));
  };
  window.addEventListener('load', () => document.fonts.ready.then(() => requestAnimationFrame(check)));
})();
""".replace("MAX_WIDTH", str(PHONE_MAX_WIDTH)).replace("MARK", OVERFLOW_MARK)


class OverflowWatch:
    """Every page a browser context loads at phone width is checked for horizontal overflow (issue 18)."""

    def __init__(self, context):
        self.found: list[str] = []
        context.add_init_script(OVERFLOW_PROBE)
        context.on("console", self._console)

    def _console(self, message) -> None:
        if message.text.startswith(OVERFLOW_MARK):
            self.found.append(message.text.removeprefix(OVERFLOW_MARK))

    def assert_none(self) -> None:
        assert not self.found, "Pages overflow a 390 px phone screen: " + "; ".join(dict.fromkeys(self.found))


def phone_context(browser, **options):
    """A browser context on a 390 px phone in Arabic whose pages are watched for overflow (``context.overflow``)."""
    options = {"locale": "ar-JO", "viewport": PHONE, **options}
    context = browser.new_context(**options)
    context.overflow = OverflowWatch(context)
    return context


def menu_open(page) -> None:
    """Open the collapsed main menu of a phone-sized page. Bootstrap's script is deferred: a click before
    it has run opens nothing (seen on a loaded machine), so wait for it, then for the menu to be shown."""
    page.wait_for_function("() => window.bootstrap !== undefined")
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        page.locator("#mainnav.show").wait_for()


def page_overflow(page) -> str:
    """Why the current page is wider than a phone's screen, or "" (only checked at phone width)."""
    viewport = page.viewport_size or {}
    if viewport.get("width", 0) > PHONE_MAX_WIDTH:
        return ""
    width, scroll = page.evaluate("[document.documentElement.clientWidth, document.documentElement.scrollWidth]")
    return f"{page.url} is {scroll} px wide on a {width} px screen" if scroll > width + 1 else ""


def axe_violations(page, *, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core on the current page; return the violations of the given impacts."""
    # Evaluated through the DevTools protocol, not added as a <script>: the portal's Content Security
    # Policy (portal.middleware) rightly refuses inline scripts, and an injected tag is one.
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v.get("impact") in impacts]


def assert_accessible(page):
    """axe-core finds no serious or critical problem and, on a phone, the page fits the screen's width."""
    overflow = page_overflow(page)
    assert not overflow, overflow
    violations = axe_violations(page)
    summary = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in violations
    ]
    assert not violations, (
        f"axe-core found serious/critical problems on {page.url}: {json.dumps(summary, ensure_ascii=False)}"
    )


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG under test-artifacts/ (for people to look at; not asserted on)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def start_s3_server():
    """A real S3 API server on 127.0.0.1 (moto's standalone server, from PyPI): the object store of the tests
    (issue 19), spoken to over HTTP by boto3 exactly as MinIO or AWS would be. Returns (process, endpoint URL)."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(endpoint + "/moto-api/", timeout=1).close()  # noqa: S310 - our own server
            return process, endpoint
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("moto's S3 server did not start") from None
            time.sleep(0.1)


def s3_storage_settings(endpoint: str, bucket: str, **options) -> dict:
    """STORAGES["private"] for a bucket on the test S3 server, as portal.settings builds it from S3_*."""
    from botocore.config import Config

    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            "access_key": "portal-test",
            "secret_key": "portal-test-secret",
            "region_name": "us-east-1",
            "default_acl": "private",
            "file_overwrite": False,
            "addressing_style": "path",
            "signature_version": "s3v4",
            "client_config": Config(
                connect_timeout=2, read_timeout=5, retries={"max_attempts": 1}, s3={"addressing_style": "path"}
            ),
            **options,
        },
    }
