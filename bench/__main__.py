"""``python -m bench [NAME ...] [--quick] [--list]``: run the benchmarks and print one table.

NAME selects modules ``bench/bench_NAME.py`` (``payments`` or ``bench_payments``); none runs them all.
A fresh database is made for the run and dropped after it (see bench/common.py).
"""

import argparse
import importlib
import os
import pkgutil
import sys
import time
import traceback
from pathlib import Path

from bench import common


def discover() -> list[str]:
    folder = Path(__file__).resolve().parent
    return sorted(m.name for m in pkgutil.iter_modules([str(folder)]) if m.name.startswith("bench_"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="smaller sizes (a smoke run)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)

    available = discover()
    if args.list:
        print("\n".join(name.removeprefix("bench_") for name in available))
        return 0
    selected = []
    for name in args.names:
        module = name if name.startswith("bench_") else f"bench_{name}"
        if module not in available:
            parser.error(f"no benchmark {name!r}; available: {', '.join(n.removeprefix('bench_') for n in available)}")
        selected.append(module)
    selected = selected or available

    started = time.monotonic()
    env = common.prepare_environment()
    ctx = None
    failed = []
    try:
        print(f"bench: {env.vendor} database, migrating…", file=sys.stderr, flush=True)
        common.setup_django()
        ctx = common.Context(env=env, quick=args.quick)
        for name in selected:
            module = importlib.import_module(f"bench.{name}")
            print(f"bench: {name} — {getattr(module, 'TITLE', '')}".rstrip(" —"), file=sys.stderr, flush=True)
            try:
                module.run(ctx)
            except Exception:
                traceback.print_exc()
                failed.append(name)
        print()
        common.print_table(
            ctx.rows,
            title=(
                f"Benchmarks ({env.vendor}, {time.monotonic() - started:.0f} s{', quick' if args.quick else ''}; "
                f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end)"
            ),
        )
        common.print_targets(ctx.targets)
        print(
            "\n'× time' = cost per request relative to the trivial view in-process (lower is better);"
            "\n'× rps' = throughput relative to the trivial view on the same gunicorn (higher is better)."
        )
    finally:
        if ctx is not None:
            ctx.close()
        common.teardown_environment(env)
    if failed:
        print(f"bench: failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
