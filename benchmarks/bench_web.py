"""The web app's latency and load on the national dataset (not a timed test).

Builds the compiled network (``pso-chain build``), then for each ``--workers N`` starts
``pso-chain serve DATASET --workers N`` on a free loopback port (the workers share the one
compiled network, mapped read-only), then over HTTP:

* latency, one request at a time, of the organisation page, ``/api/.../explain``,
  ``/api/.../uplift`` (targets p95 <= 100 ms) and the supplier search page (p95 <= 200 ms),
  on organisations drawn at random among the buyers;
* 20 concurrent clients for 60 s on those routes: requests served and errors (target: none);
* the memory of every process of the server (the parent and each worker): resident (RSS) and
  proportional (PSS) set size, and how much of it is file-backed pages of the compiled network
  that the workers share (PSS splits those among them).

    .venv/bin/python benchmarks/bench_web.py benchmarks/data/n1m
    .venv/bin/python benchmarks/bench_web.py benchmarks/data/n5m --workers 1 2 4
"""

from __future__ import annotations

import argparse
import concurrent.futures
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
EXE = Path(sys.executable).with_name("pso-chain")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, timeout: float = 300) -> tuple[int, float]:
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except OSError:
        status = -1
    return status, time.perf_counter() - start


def memory(pid: int) -> dict[str, float]:
    """Resident and proportional set size (MB) and the file-backed part (shareable)."""
    out = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, value = line.split(":", 1)
        out[key] = int(value.split()[0]) / 1024
    return {"rss_mb": out.get("Rss", 0), "pss_mb": out.get("Pss", 0),
            "file_backed_mb": out.get("Pss_File", out.get("Shared_Clean", 0)),
            "anonymous_mb": out.get("Pss_Anon", out.get("Private_Dirty", 0))}


def processes(pid: int) -> list[int]:
    """``pid`` and all its descendants (Linux: /proc/PID/task/*/children)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
    return out


def sample_buyers(folder: Path, n: int, seed: int) -> list[str]:
    table = pq.read_table(folder / "purchases.parquet", columns=["buyer_id"])
    ids = table.column("buyer_id").to_numpy(zero_copy_only=False)
    rng = np.random.default_rng(seed)
    return [str(ids[i]) for i in rng.integers(0, len(ids), size=n)]


def municipalities(folder: Path) -> list[str]:
    table = pq.read_table(folder / "organisations.parquet", columns=["municipality"])
    names = table.column("municipality").unique().to_pylist()
    return sorted(str(m) for m in names if m)


def latency(label: str, urls: list[str]) -> dict:
    get(urls[0])  # warm (first request fills lazily mapped pages)
    times, errors = [], 0
    for url in urls:
        status, seconds = get(url)
        times.append(seconds)
        errors += status != 200
    ms = 1000 * np.array(times)
    row = {"route": label, "n": len(urls), "p50_ms": float(np.percentile(ms, 50)),
           "p95_ms": float(np.percentile(ms, 95)), "max_ms": float(ms.max()), "errors": errors}
    print(f"  {label:<34} n={row['n']:<4} p50 {row['p50_ms']:8.1f} ms   p95 {row['p95_ms']:8.1f} ms"
          f"   max {row['max_ms']:8.1f} ms   errors {errors}", flush=True)
    return row


def load(urls: list[str], clients: int, seconds: float) -> dict:
    """``clients`` threads requesting ``urls`` round-robin until ``seconds`` have passed."""
    stop = time.monotonic() + seconds
    counts = {"ok": 0, "errors": 0}
    lock = threading.Lock()
    rng = random.Random(0)

    def client(i: int) -> None:
        k = i
        while time.monotonic() < stop:
            status, _ = get(urls[(k * 7919 + rng.randrange(len(urls))) % len(urls)])
            k += 1
            with lock:
                counts["ok" if status == 200 else "errors"] += 1

    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--requests", type=int, default=100, help="requests per route (latency)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--on", default="2025-06-01", help="supplier search date")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, nargs="+", default=[1], help="worker counts to run, one after another")
    args = parser.parse_args()

    built = time.perf_counter()  # the compiled network, so that the server opens it (mmap)
    subprocess.run([str(EXE), "build", str(args.dataset)], check=True, stdout=subprocess.DEVNULL)
    print(f"pso-chain build (compiled network up to date) {time.perf_counter() - built:.1f} s", flush=True)
    summary = [run(args, n) for n in args.workers]
    print("\n| workers | page p95 ms | explain p95 ms | uplift p95 ms | supplier search page p95 ms | "
          "API supplier search p95 ms | requests in the load run (/s) | errors | RSS per worker MB | "
          "PSS per worker MB | of which shared (file-backed) MB | parent PSS MB |")
    print("|" + "---:|" * 12)
    for n, rows, counts, mem in summary:
        p95 = [f"{r['p95_ms']:.0f}" for r in rows]
        workers = mem["workers"] or [mem["parent"]]
        print(f"| {n} | {' | '.join(p95)} | {counts['ok']} ({counts['ok'] / args.seconds:.1f}) | {counts['errors']} | "
              f"{np.mean([w['rss_mb'] for w in workers]):.0f} | {np.mean([w['pss_mb'] for w in workers]):.0f} | "
              f"{np.mean([w['file_backed_mb'] for w in workers]):.0f} | {mem['parent']['pss_mb']:.0f} |")
    print(f"\ncommand: .venv/bin/python benchmarks/bench_web.py {args.dataset} --requests {args.requests} "
          f"--clients {args.clients} --seconds {args.seconds:g} --workers {' '.join(map(str, args.workers))}")


def run(args, workers: int):
    """One server with ``workers`` workers: latency per route, the load run, memory per process."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    server = subprocess.Popen([str(EXE), "serve", str(args.dataset), "--port", str(port), "--workers", str(workers)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while get(f"{base}/healthz", timeout=2)[0] != 200:
            if server.poll() is not None:
                sys.exit("pso-chain serve stopped")
            time.sleep(0.5)
        print(f"\n== {workers} worker(s): server up (network opened) in {time.perf_counter() - started:.1f} s",
              flush=True)
        orgs = sample_buyers(args.dataset, args.requests, args.seed)
        places = municipalities(args.dataset)
        rng = random.Random(args.seed)
        picks = [rng.choice(places) for _ in range(args.requests)]
        print(f"latency, one request at a time, {args.requests} organisations / searches:")
        rows = [
            latency("GET /organisations/{id} (page)", [f"{base}/organisations/{o}" for o in orgs]),
            latency("GET /api/organisations/{id}/explain", [f"{base}/api/organisations/{o}/explain" for o in orgs]),
            latency("GET /api/organisations/{id}/uplift", [f"{base}/api/organisations/{o}/uplift" for o in orgs]),
            latency("GET /suppliers?municipalities=M (page)",
                    [f"{base}/suppliers?municipalities={urllib.request.quote(m)}&on={args.on}" for m in picks]),
            latency("GET /api/suppliers?municipality=M",
                    [f"{base}/api/suppliers?municipality={urllib.request.quote(m)}&on={args.on}" for m in picks]),
        ]
        mixed = [f"{base}/organisations/{o}" for o in orgs[:20]] + \
                [f"{base}/api/organisations/{o}/explain" for o in orgs[20:40]] + \
                [f"{base}/api/organisations/{o}/uplift" for o in orgs[40:60]] + \
                [f"{base}/suppliers?municipalities={urllib.request.quote(m)}&on={args.on}" for m in picks[:20]]
        print(f"load: {args.clients} concurrent clients for {args.seconds:.0f} s ...", flush=True)
        counts = load(mixed, args.clients, args.seconds)
        print(f"  served {counts['ok']} requests ({counts['ok'] / args.seconds:.1f}/s), errors {counts['errors']}")
        pids = processes(server.pid)
        mem = {"parent": memory(server.pid),
               "workers": [memory(p) for p in pids[1:] if _is_worker(p)]}
        for k, m in enumerate(mem["workers"]):
            print(f"  worker {k + 1}: RSS {m['rss_mb']:.0f} MB, PSS {m['pss_mb']:.0f} MB, of which file-backed "
                  f"(shared) {m['file_backed_mb']:.0f} MB, anonymous {m['anonymous_mb']:.0f} MB")
        print(f"  parent: RSS {mem['parent']['rss_mb']:.0f} MB, PSS {mem['parent']['pss_mb']:.0f} MB")
        for row in rows:
            target = 200 if "suppliers" in row["route"] else 100
            verdict = "met" if row["p95_ms"] <= target else "NOT met"
            print(f"  target p95 <= {target} ms: {row['route']}: {row['p95_ms']:.0f} ms ({verdict})")
        return workers, rows, counts, mem
    finally:
        server.terminate()
        server.wait(timeout=60)


def _is_worker(pid: int) -> bool:
    """A worker process uvicorn spawned (``multiprocessing`` spawn), not its resource tracker.
    With one worker uvicorn serves in the parent, which then has no such child."""
    try:
        cmd = b" ".join(Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0"))
    except OSError:
        return False
    return b"spawn_main" in cmd and b"resource_tracker" not in cmd


if __name__ == "__main__":
    main()
