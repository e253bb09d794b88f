"""Shared benchmark plumbing: the national-scale dataset and measuring a step in its own process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"


def ensure_dataset(name: str, orgs: int, purchases: int, seed: int = 1) -> Path:
    """Generate ``benchmarks/data/NAME`` (Parquet) once; later runs reuse it."""
    folder = DATA / name
    if (folder / "purchases.parquet").exists():
        return folder
    DATA.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pso_chain.cli", "generate", str(folder), "--orgs", str(orgs),
           "--purchases", str(purchases), "--seed", str(seed), "--format", "parquet"]
    print("generating:", " ".join(cmd[2:]), flush=True)
    subprocess.run(["flock", str(DATA.parent / "data.lock"), *cmd], check=True)
    return folder


def run_measured(code: str, *args: str) -> dict:
    """Run Python ``code`` in a fresh interpreter; it prints one JSON line of figures.

    Adds ``wall_s`` (the whole process, start-up included) and ``peak_rss_mb`` (the child's
    maximum resident set size).
    """
    wrapper = (
        "import json, resource, sys, time\n"
        "figures = {}\n"
        f"{code}\n"
        "figures['peak_rss_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print('FIGURES ' + json.dumps(figures))\n"
    )
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", wrapper, *args], capture_output=True, text=True,
                          env={**os.environ, "PYTHONHASHSEED": "0"})
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-3000:])
    line = [x for x in proc.stdout.splitlines() if x.startswith("FIGURES ")][-1]
    figures = json.loads(line[len("FIGURES "):])
    figures["wall_s"] = wall
    return figures


def run_command(cmd: list[str]) -> dict:
    """Wall time and peak memory of a whole command (GNU time if present)."""
    start = time.perf_counter()
    if Path("/usr/bin/time").exists():
        proc = subprocess.run(["/usr/bin/time", "-f", "MAXRSS %M", *cmd], capture_output=True, text=True)
        wall = time.perf_counter() - start
        rss = [int(x.split()[1]) for x in proc.stderr.splitlines() if x.startswith("MAXRSS ")]
        peak = rss[-1] / 1024 if rss else float("nan")
    else:
        proc = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.perf_counter() - start
        peak = float("nan")
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-3000:])
    return {"wall_s": wall, "peak_rss_mb": peak}


def best_of(n: int, fn) -> dict:
    """The run with the smallest wall time out of ``n`` (these machines are noisy)."""
    runs = [fn() for _ in range(n)]
    return min(runs, key=lambda r: r["wall_s"])
