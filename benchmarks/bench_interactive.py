"""One organisation at national scale, and the compiled network (issue 13), side by side.

Whole commands (start-up, imports, opening, computing, writing), each in its own process:
``credits`` and the pandas read of the Parquet tables are the references; ``explain``,
``uplift`` and ``suppliers --for`` of the busiest buyer and of a median buyer without the
compiled network (``PSO_CHAIN_NO_CACHE=1``) and with it; ``pso-chain build``;
opening the compiled network; the start-up alone (``import pandas``, ``pso-chain --version``).
Commands run as users run them, ``python -m pso_chain`` (the console script's code). Every figure is the best of ``--repeat`` runs, with the CPU time (user +
system) beside the wall time: on this shared 2-core machine the load average of other work
moves wall times by a factor 2-4, CPU times much less.

    .venv/bin/python benchmarks/bench_interactive.py --dataset n1m --repeat 2
    .venv/bin/python benchmarks/bench_interactive.py --dataset n5m --orgs 5000000 \\
        --purchases 50000000 --repeat 1 --skip-orgs
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ensure_dataset  # noqa: E402

PSO = [sys.executable, "-m", "pso_chain"]
COLD = {"PSO_CHAIN_WARM": "0"}  # every command in its own process, except where a row says so


def whole(cmd: list[str], env: dict | None = None) -> dict:
    """Wall time, CPU time (user + sys) and peak RSS of one command (GNU time)."""
    start = time.perf_counter()
    # as on a user's machine, Python caches the compiled bytecode of pso_chain's modules (this
    # sandbox sets PYTHONDONTWRITEBYTECODE, which recompiles them in every process: +0.1-0.15 s)
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    proc = subprocess.run(["/usr/bin/time", "-f", "TIME %U %S %M", *cmd], capture_output=True,
                          text=True, env={**base, **COLD, **(env or {})})
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(" ".join(cmd) + "\n" + proc.stderr[-3000:])
    user, system, rss = [x for x in proc.stderr.splitlines() if x.startswith("TIME ")][-1].split()[1:]
    return {"wall": wall, "cpu": float(user) + float(system), "rss_mb": int(rss) / 1024,
            "stderr": proc.stderr}


def best(n: int, fn) -> dict:
    return min((fn() for _ in range(n)), key=lambda r: r["wall"])


def line(label: str, r: dict, ref: dict | None = None, target: str = "") -> None:
    ratio = f"  {r['wall'] / ref['wall']:5.2f}x" if ref else "        "
    print(f"{label:<58} {r['wall']:7.2f} s  cpu {r['cpu']:6.2f} s  {r['rss_mb']:7.0f} MB{ratio}  {target}",
          flush=True)


def read_parquet(folder: Path, tables: tuple[str, ...]) -> dict:
    code = ("import pandas as pd, sys; "
            f"[pd.read_parquet(sys.argv[1] + '/' + name + '.parquet') for name in {list(tables)!r}]")
    return whole([sys.executable, "-c", code, str(folder)])


def busiest_and_median(folder: Path) -> tuple[str, str]:
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    counts = pc.value_counts(pq.read_table(folder / "purchases.parquet", columns=["buyer_id"])["buyer_id"])
    pairs = sorted(((c["counts"].as_py(), c["values"].as_py()) for c in counts), reverse=True)
    return pairs[0][1], pairs[len(pairs) // 2][1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", default="n1m")
    ap.add_argument("--orgs", type=int, default=1_000_000)
    ap.add_argument("--purchases", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--on", default="2025-12-31")
    ap.add_argument("--skip-orgs", action="store_true", help="only credits, build and opening")
    ap.add_argument("--verbs", default="explain,explain --out x.json,uplift,suppliers --for,substitutes,"
                    "compliance", help="comma-separated one-organisation verbs to time")
    ap.add_argument("--busiest-only", action="store_true", help="not the median buyer")
    args = ap.parse_args()
    folder = ensure_dataset(args.dataset, args.orgs, args.purchases)
    tmp = Path(tempfile.mkdtemp(prefix="pso-bench-"))
    no_cache = {"PSO_CHAIN_NO_CACHE": "1"}
    print(f"dataset {folder}: {args.orgs:,} organisations, {args.purchases:,} purchase rows; "
          f"best of {args.repeat}; load average at start {os.getloadavg()[0]:.1f}")
    print(f"{'':<58} {'wall':>9}  {'cpu':>10}  {'peak RSS':>10} {'ratio':>7}")

    read2 = best(args.repeat, lambda: read_parquet(folder, ("organisations", "purchases")))
    read4 = best(args.repeat, lambda: read_parquet(folder, ("organisations", "purchases",
                                                             "employees_records", "certifications")))
    whole([*PSO, "--version"])  # writes the bytecode cache of the command line's modules once
    line("pandas read of organisations + purchases (a process)", read2)
    line("pandas read of all four tables (a process)", read4)
    out = str(tmp / "credits.parquet")
    credits_plain = best(args.repeat, lambda: whole([*PSO, "credits", str(folder), "--out", out], no_cache))
    line("credits --out x.parquet, no compiled network", credits_plain, read2, "(ratio to the read: target <= 4x)")
    build = whole([*PSO, "build", str(folder), "--force"])
    line("pso-chain build (read, validate, write the compiled network)", build, read2)
    credits_cached = best(args.repeat, lambda: whole([*PSO, "credits", str(folder), "--out", out]))
    line("credits --out x.parquet, compiled network", credits_cached, read2, "(target <= 1.5x the read)")
    open_code = ("import time, sys; t0 = time.perf_counter(); import pso_chain.api.verbs; t1 = time.perf_counter(); "
                 "net = pso_chain.open(sys.argv[1]); t2 = time.perf_counter(); "
                 "assert type(net).__name__ == 'CompiledNetwork'; "
                 "print(f'IMPORT {t1 - t0} OPEN {t2 - t1}', file=sys.stderr)")
    runs = [whole([sys.executable, "-c", open_code, str(folder)]) for _ in range(max(args.repeat, 3))]
    opened = min(runs, key=lambda r: r["wall"])
    inner = [x for x in opened["stderr"].splitlines() if x.startswith("IMPORT ")][-1].split()
    line("import pso_chain.api.verbs + open the compiled network (a process)", opened)
    print(f"{'  of which import pso_chain.api.verbs / pso_chain.open()':<58} {float(inner[1]):7.2f} s / "
          f"{float(inner[3]):.3f} s   (target: opening <= 0.5 s)")
    startup = best(max(args.repeat, 3), lambda: whole([sys.executable, "-c", "import pandas"]))
    line("python -c 'import pandas' (a process: start-up floor)", startup)
    version = best(max(args.repeat, 3), lambda: whole([*PSO, "--version"]))
    line("pso-chain --version (a process: the command line's start-up)", version)
    if args.skip_orgs:
        return
    busy, median = busiest_and_median(folder)
    chosen = [v.strip() for v in args.verbs.split(",")]
    buyers = (("busiest buyer", busy),) if args.busiest_only else (("busiest buyer", busy), ("median buyer", median))
    for label, org in buyers:
        verbs = {
            "explain": ["explain", str(folder), "--org", org],
            "explain --out x.json": ["explain", str(folder), "--org", org, "--out", str(tmp / "e.json")],
            "uplift": ["uplift", str(folder), "--org", org],
            "suppliers --for": ["suppliers", str(folder), "--for", org, "--on", args.on],
            "substitutes": ["substitutes", str(folder), "--org", org],
            "compliance": ["compliance", str(folder), "--org", org, "--on", args.on],
        }
        print(f"-- {label} {org}")
        for verb, cmd in ((v, c) for v, c in verbs.items() if v in chosen):
            plain = best(args.repeat, lambda cmd=cmd: whole([*PSO, *cmd], no_cache))
            line(f"{verb}, no compiled network", plain, credits_plain, "(ratio to credits: target <= 1)")
            cached = best(args.repeat, lambda cmd=cmd: whole([*PSO, *cmd]))
            line(f"{verb}, compiled network", cached, None, "(target <= 1 s)")


if __name__ == "__main__":
    main()
