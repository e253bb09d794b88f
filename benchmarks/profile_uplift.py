"""Where the busiest buyer's uplift spends its time: a pyinstrument profile, not a guess.

The buyer with the most purchase rows of a generated network (what ``benchmarks/bench_buyers.py``
and issue 22 call the busiest buyer) gets ``pso_chain.uplift`` with the defaults a command uses,
profiled twice in this process:

1. without the compiled network: ``pso_chain.open(folder, cache=False)`` (read and validate the
   tables) then the uplift — what ``pso-chain uplift DATA --org ID --no-cache`` does after start-up;
2. with it: ``pso_chain.open(folder)`` mapping the compiled network (built beforehand, not
   profiled, into a temporary cache folder) then the uplift — what the command does by default.

For each it prints the wall time of the open and of the uplift, and pyinstrument's call tree
(``--html DIR`` also writes each profile as an HTML page). Then the command itself,
``pso-chain [--no-cache] uplift DATA --org ID``, run in this process (typer's runner: parsing,
the open, the verb, the rendering), profiled the same way. The process start-up of a command
(``import pso_chain.cli`` in a fresh interpreter) is timed apart. Needs the ``bench`` extra
(``pip install -e '.[bench]'``: pyinstrument).

    .venv/bin/python benchmarks/profile_uplift.py --orgs 100000 --purchases 1000000
    .venv/bin/python benchmarks/profile_uplift.py --data DIR [--html /tmp/profiles]

Figures taken on a loaded machine mean something only as shares of one run: the load average
is printed at the start and the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import pyarrow.compute as pc  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
from pyinstrument import Profiler  # noqa: E402

import pso_chain  # noqa: E402
from benchmarks.common import ensure_dataset  # noqa: E402


def busiest_buyer(folder: Path) -> tuple[str, int]:
    """The org_id with the most purchase rows (every year), and how many."""
    found = list(folder.glob("purchases.*"))
    if not found or found[0].suffix != ".parquet":
        network = pso_chain.open(folder, cache=False)
        counts = np.bincount(network.buyer, minlength=network.n)
        node = int(counts.argmax())
        return str(network.organisations["org_id"].iat[node]), int(counts[node])
    column = pq.read_table(found[0], columns=["buyer_id"]).column("buyer_id")
    counts = pc.value_counts(column).to_pylist()
    top = max(counts, key=lambda c: (c["counts"], str(c["values"])))
    return str(top["values"]), int(top["counts"])


def startup_seconds() -> float:
    """A command's start-up: ``import pso_chain.cli`` in a fresh interpreter (best of 3)."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import pso_chain.cli"], check=True)
        best = min(best, time.perf_counter() - start)
    return best


def profiled(label: str, folder: Path, org_id: str, html: Path | None, **open_options) -> dict:
    """Open the folder and run the uplift under pyinstrument; print the tree; the timings."""
    profiler = Profiler(interval=0.001)
    profiler.start()
    start = time.perf_counter()
    network = pso_chain.open(folder, **open_options)
    opened = time.perf_counter()
    plan = pso_chain.uplift(network, org_id)
    done = time.perf_counter()
    profiler.stop()
    _report(profiler, f"{label}: open {opened - start:.3f} s, uplift {done - opened:.3f} s "
                      f"({len(plan['uplift']):,} plan rows)", html, f"uplift-{label.split()[0]}")
    return {"open_s": opened - start, "uplift_s": done - opened}


def _report(profiler: Profiler, heading: str, html: Path | None, name: str) -> None:
    """Print the call tree under ``heading``; with ``html``, also write it as NAME.html there."""
    print(f"\n===== {heading} =====", flush=True)
    print(profiler.output_text(unicode=False, color=False, show_all=False), flush=True)
    if html is not None:
        html.mkdir(parents=True, exist_ok=True)
        page = html / f"{name}.html"
        page.write_text(profiler.output_html(), encoding="utf-8")
        print(f"profile written to {page}")


def profiled_command(label: str, args: list[str], html: Path | None) -> dict:
    """The ``pso-chain`` command in this process (typer's runner: no interpreter start-up, the
    output captured) under pyinstrument; print the tree; the wall time."""
    from typer.testing import CliRunner

    from pso_chain.cli import app

    runner = CliRunner()
    profiler = Profiler(interval=0.001)
    profiler.start()
    start = time.perf_counter()
    result = runner.invoke(app, args)
    done = time.perf_counter()
    profiler.stop()
    if result.exit_code != 0:
        raise SystemExit(f"pso-chain {' '.join(args)} failed:\n{result.output}")
    _report(profiler, f"{label}: pso-chain {' '.join(args)}: {done - start:.3f} s", html,
            f"command-{label.split()[-1]}")
    return {"command_s": done - start}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--purchases", type=int, default=1_000_000)
    parser.add_argument("--data", help="a dataset folder (default: generated into benchmarks/data)")
    parser.add_argument("--html", help="also write each profile as an HTML page into this folder")
    args = parser.parse_args()
    folder = (Path(args.data) if args.data else
              ensure_dataset(f"n{args.orgs}_{args.purchases}", args.orgs, args.purchases))
    before = os.getloadavg()
    org_id, rows = busiest_buyer(folder)
    print(f"dataset {folder}; busiest buyer {org_id} ({rows:,} purchase rows); load average "
          f"{before[0]:.1f} {before[1]:.1f} {before[2]:.1f} on {os.cpu_count()} cores", flush=True)
    html = Path(args.html) if args.html else None
    cache_dir = Path(tempfile.mkdtemp(prefix="pso-profile-cache-"))
    try:
        plain = profiled("without the compiled network", folder, org_id, html, cache=False)
        start = time.perf_counter()
        pso_chain.open(folder, cache_dir=cache_dir)  # the build, not profiled
        built = time.perf_counter() - start
        mapped = profiled("with the compiled network", folder, org_id, html, cache_dir=cache_dir)
        verb = ["uplift", str(folder), "--org", org_id]
        plain.update(profiled_command("the command, --no-cache", ["--no-cache", *verb], html))
        mapped.update(profiled_command("the command, cached",
                                       ["--cache-dir", str(cache_dir), *verb], html))
    finally:
        shutil.rmtree(cache_dir, ignore_errors=True)
    startup = startup_seconds()
    after = os.getloadavg()
    print("\n| phase | open (s) | uplift (s) | open + uplift (s) | the command in process (s) |")
    print("|---|---:|---:|---:|---:|")
    for label, figures in (("without the compiled network", plain),
                           ("with the compiled network", mapped)):
        print(f"| {label} | {figures['open_s']:.3f} | {figures['uplift_s']:.3f} | "
              f"{figures['open_s'] + figures['uplift_s']:.3f} | {figures['command_s']:.3f} |")
    print(f"\ncompiled network built in {built:.2f} s (not profiled); a command's start-up "
          f"(import pso_chain.cli, best of 3) {startup:.2f} s")
    print(f"load average {before[0]:.1f} {before[1]:.1f} {before[2]:.1f} at the start, "
          f"{after[0]:.1f} {after[1]:.1f} {after[2]:.1f} at the end")


if __name__ == "__main__":
    main()
