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


def axe_violations(page, *, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core on the current page; return the violations of the given impacts."""
    # Evaluated through the DevTools protocol, not added as a <script>: the portal's Content Security
    # Policy (portal.middleware) rightly refuses inline scripts, and an injected tag is one.
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v.get("impact") in impacts]


def assert_accessible(page):
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
