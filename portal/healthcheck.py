"""`python -m portal.healthcheck`: the container's health check (exit 0 when /healthz/live answers 200).

Liveness, not readiness: a web node whose database is down is not mended by restarting it; the proxy in
front asks /healthz/ready to take a node out of rotation (README "Operating the portal").

It asks as a proxy would: with one of the portal's own host names (ALLOWED_HOSTS) and the
X-Forwarded-Proto header, so the production settings (allowed hosts, HTTPS redirect) let it through.
"""

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = next((h.lstrip(".") for h in hosts if "*" not in h), "localhost")
    port = os.environ.get("PORT", "8000")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz/live", headers={"Host": host, "X-Forwarded-Proto": "https"}
    )
    try:
        # A fixed http://127.0.0.1 address built above: no user input reaches the URL or its scheme.
        with urllib.request.urlopen(request, timeout=8) as response:  # noqa: S310  # nosec B310
            ok = response.status == 200
    except (urllib.error.URLError, OSError) as exc:
        print(f"healthcheck: {exc}", file=sys.stderr)
        return 1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
