"""`make lighthouse`: Lighthouse (npm, 12.x) on a phone against the portal served as in production (issue 20).

What it does, all on 127.0.0.1 and in a throwaway folder:

1. a fresh SQLite database: ``migrate`` and ``seed_demo`` (the demo data; seed_demo runs only with DEBUG on,
   so it runs with DEBUG on, against this throwaway database only);
2. ``collectstatic`` with the production storage (whitenoise, compressed and hashed names; Bootstrap's CSS is
   the purged build of ``make assets``, tools/purge_css.mjs);
3. gunicorn with DEBUG off, a random SECRET_KEY, ALLOWED_HOSTS=127.0.0.1 and SECURE_SSL_REDIRECT=False (the
   one production default set aside: this run speaks plain HTTP to the loopback, where browsers treat the
   origin as secure; HSTS, secure cookies and the rest stay as in production);
4. Lighthouse's mobile form factor (its default: a mid-range phone, slow 4G simulated) with Debian's Chromium
   (CHROME_PATH) on the home page, a catalogue card, the violations inquiry, the contractor renewal, sign-in
   and /performance/, in Arabic (the portal's first language; ``--lang en`` for English).

It prints the four category scores per page (the median of ``--runs`` runs) and, per page, every audit that
cost points; the target is 100 in all four on each page, printed as met / NOT MET with bench.common's
Targets table. The exit status is 0 either way (``--strict``: 1 when a target is not met). The JSON and
HTML reports are kept in test-artifacts/lighthouse/.

    .venv/bin/python -m tools.lighthouse [--runs 3] [--lang ar|en] [--pages home,signin] [--strict]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.common import Row, Target, print_table, print_targets  # noqa: E402
from load.procs import Gunicorn  # noqa: E402
from portal.testing import CHROMIUM_ARGS  # noqa: E402

LIGHTHOUSE = BASE_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
ARTIFACTS = BASE_DIR / "test-artifacts" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
SHORT = {"performance": "perf", "accessibility": "a11y", "best-practices": "best", "seo": "seo"}
# The simulated timings shown beside the scores (label, audit, divisor, decimals, unit).
METRICS = (
    ("FCP", "first-contentful-paint", 1000, 2, " s"),
    ("LCP", "largest-contentful-paint", 1000, 2, " s"),
    ("TBT", "total-blocking-time", 1, 0, " ms"),
    ("CLS", "cumulative-layout-shift", 1, 3, ""),
    ("weight", "total-byte-weight", 1024, 0, " KiB"),
)
SIGNED_IN = {"violations"}  # measured as the demo citizen (seed_demo), signed in
PAGES = {
    "home": "/",
    "card": None,  # the first catalogue card linked from the home page
    "violations": "/violations/",
    "renewal": "/contractors/renew/",
    "signin": "/accounts/login/",
    "performance": "/performance/",
}


def manage(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True, stdout=subprocess.DEVNULL)


def prepare(folder: Path) -> tuple[dict, dict]:
    """The throwaway database and static files; the environment of the production-like server."""
    common = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "DATA_DIR": str(folder / "data"),
        "REDIS_URL": "",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "LOG_REQUESTS": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    common.pop("DJANGO_SETTINGS_MODULE", None)
    demo = {**common, "DEBUG": "True"}
    print("lighthouse: migrate and seed_demo into a throwaway database", flush=True)
    manage("migrate", "--noinput", env=demo)
    manage("seed_demo", env=demo)
    production = {
        **common,
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False",
    }
    print("lighthouse: collectstatic (whitenoise, compressed and hashed)", flush=True)
    manage("collectstatic", "--noinput", "--clear", env=production)
    return production, demo


SIGN_IN = """
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
user = get_user_model().objects.get(username="demo-citizen")
session = import_module(settings.SESSION_ENGINE).SessionStore()
session.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[-1],
                HASH_SESSION_KEY: user.get_session_auth_hash()})
session.save()
print(settings.SESSION_COOKIE_NAME + "=" + session.session_key)
"""


def signed_in_cookie(env: dict) -> str:
    """A session of the demo citizen (the violations inquiry is for a signed-in person)."""
    command = [sys.executable, "manage.py", "shell", "-c", SIGN_IN]
    return subprocess.run(command, cwd=BASE_DIR, env=env, check=True, capture_output=True, text=True).stdout.split()[-1]


def fetch(url: str, lang: str, cookie: str = "") -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Accept-Language": lang, **({"Cookie": cookie} if cookie else {})})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read().decode("utf-8", "replace")


def lighthouse(url: str, *, lang: str, out: Path, cookie: str = "") -> dict:
    flags = ["--headless=new", f"--lang={lang}", f"--accept-lang={lang}", *CHROMIUM_ARGS]
    command = [
        "node",
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--form-factor=mobile",
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        "--output=html",
        f"--output-path={out}",
        f"--chrome-flags={' '.join(flags)}",
    ]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    subprocess.run(command, cwd=BASE_DIR, env={**os.environ, "CHROME_PATH": CHROME}, check=True)
    return json.loads(out.with_suffix(".report.json").read_text())


def lost_points(report: dict) -> list[str]:
    """The audits that cost points: those in a category's weighted list with a score under 1."""
    lines = []
    for name in CATEGORIES:
        for ref in report["categories"][name]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                value = audit.get("displayValue") or ""
                lines.append(f"{SHORT[name]}: {audit['id']} {audit['score']:.2f} {value}".rstrip())
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page (the median is shown)")
    parser.add_argument("--lang", default="ar", choices=("ar", "en"))
    parser.add_argument("--pages", default=",".join(PAGES), help="a comma-separated subset of " + ", ".join(PAGES))
    parser.add_argument("--strict", action="store_true", help="exit 1 when a page is under 100 in a category")
    options = parser.parse_args(argv)
    pages = [p.strip() for p in options.pages.split(",") if p.strip()]
    unknown = set(pages) - set(PAGES)
    if unknown:
        parser.error(f"unknown pages: {', '.join(sorted(unknown))}")
    for needed, hint in ((LIGHTHOUSE, "make assets (npm ci)"), (Path(CHROME), "apt-get install chromium")):
        if not needed.exists():
            print(f"lighthouse: {needed} is missing: {hint}", file=sys.stderr)
            return 2

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="lighthouse-"))
    server = None
    try:
        env, _ = prepare(folder)
        server = Gunicorn(env=env, workdir=folder, workers=2)
        status, home = fetch(server.url + "/", options.lang)
        card = re.search(r'href="(/services/[^"/]+/)"', home)
        paths = {**PAGES, "card": card.group(1) if card else "/"}
        load = os.getloadavg()
        print(f"lighthouse: {server.url} (gunicorn, DEBUG off); load average {load[0]:.2f} {load[1]:.2f}", flush=True)
        scores: dict[str, dict[str, float]] = {}
        losses: dict[str, list[str]] = {}
        timings: dict[str, str] = {}
        for page in pages:
            url = server.url + paths[page]
            cookie = signed_in_cookie(env) if page in SIGNED_IN else ""
            status, _ = fetch(url, options.lang, cookie)
            if status != 200:
                print(f"lighthouse: {url} answered {status}", file=sys.stderr)
            runs = []
            for run in range(options.runs):
                started = time.monotonic()
                out = ARTIFACTS / f"{page}-{options.lang}-{run + 1}"
                report = lighthouse(url, lang=options.lang, out=out, cookie=cookie)
                if report["finalDisplayedUrl"] != url:
                    print(f"lighthouse: {url} ended on {report['finalDisplayedUrl']}", file=sys.stderr)
                runs.append(report)
                figures = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
                print(f"lighthouse: {page} run {run + 1}: {figures} ({time.monotonic() - started:.0f} s)", flush=True)
            scores[page] = {
                c: statistics.median(round(r["categories"][c]["score"] * 100) for r in runs) for c in CATEGORIES
            }
            worst = min(runs, key=lambda r: sum(r["categories"][c]["score"] for c in CATEGORIES))
            losses[page] = lost_points(worst)
            timings[page] = " ".join(
                f"{label} {statistics.median(r['audits'][audit]['numericValue'] for r in runs) / scale:,.{digits}f}{unit}"
                for label, audit, scale, digits, unit in METRICS
            )

        print(f"\nLighthouse {runs[0]['lighthouseVersion']}, mobile, {options.lang}, median of {options.runs} run(s)")
        rows = []
        for page in pages:
            figures = scores[page]
            row = Row(
                page,
                " ".join(f"{SHORT[c]} {figures[c]:g}" for c in CATEGORIES),
                p50=timings[page],
                note=paths[page] + ("" if all(v == 100 for v in figures.values()) else "; " + "; ".join(losses[page])),
            )
            rows.append(row)
        print_table(rows)
        targets = [
            Target(f"lighthouse {page} {c}", scores[page][c], 100, unit="", higher_is_better=True)
            for page in pages
            for c in CATEGORIES
        ]
        print_targets(targets)
        met = all(t.met for t in targets)
        print(f"\nlighthouse: {'all targets met' if met else 'NOT all targets met'}; reports in {ARTIFACTS}")
        return 1 if options.strict and not met else 0
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
