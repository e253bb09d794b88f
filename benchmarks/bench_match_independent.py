"""Independent benchmark of the supplier matcher: pso-chain's CLI as a black box against Splink.

Worlds come from ``benchmarks/matchworld/generator.py`` (written without reading the matcher). For each
register size and seed a world is written to a temp folder, ``pso-chain import ledger`` runs on it, and
its match report (``DATASET-match-report.csv``) is scored against the ground truth per creditor record:

- precision: accepted matches whose KvK is the true one;
- recall: true suppliers (register or SW) whose true KvK is named, accepted or in review;
- review: rows in the review queue, as a share of all creditor records;
- wrong EUR: ledger spend of accepted rows that name the wrong KvK (or a firm that is in no list);
- crash: a non-zero exit or a traceback, recorded with stderr's last line, never raised.

Splink (DuckDB backend, unsupervised: u by random sampling, m by EM) runs on the same records with its
own plain cleaning; p >= 0.99 is accepted, 0.5 <= p < 0.99 review.

    .venv/bin/python -m benchmarks.bench_match_independent --seeds 2 --register 5000 50000 --suppliers 600
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import math
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.matchworld.generator import World, make_world, write_world  # noqa: E402

LEGAL = re.compile(
    r"\b(b ?v|besloten vennootschap|v ?o ?f|vennootschap onder firma|n ?v|stichting|stg)\b"
)


@dataclass
class Outcome:
    """One system's decisions: per creditor index, (status, matched KvK)."""

    system: str
    decisions: dict[int, tuple[str, str]] = field(default_factory=dict)
    # per creditor in review: every KvK the review row shows a person (the candidate, the
    # runner-up, the alternatives), for the second recall figure
    shown: dict[int, set[str]] = field(default_factory=dict)
    seconds: float = math.nan
    crashed: bool = False
    exit_code: int | None = None
    last_line: str = ""
    unjoined: int = 0


@dataclass
class Score:
    """The figures of one system on one world."""

    system: str
    register: int
    seed: int
    precision: float
    recall: float
    accepted_recall: float
    shown_recall: float
    review_pct: float
    wrong_eur: float
    accepted: int
    wrong_accepts: int
    seconds: float
    crashed: bool
    exit_code: int | None
    last_line: str
    unjoined: int
    examples: list[dict[str, str]] = field(default_factory=list)


def _kvk8(value: str) -> str:
    digits = re.sub(r"\D", "", str(value or ""))
    return digits.zfill(8) if 0 < len(digits) <= 8 else digits


def _key(name: str, place: str) -> tuple[str, str]:
    return (str(name).strip().casefold(), str(place).strip().casefold())


# ------------------------------------------------------------------ pso-chain


def run_pso_chain(world: World, folder: Path, timeout: float) -> Outcome:
    """Write the world, run ``pso-chain import ledger`` and read its match report."""
    files = write_world(world, folder)
    exe = ROOT / ".venv" / "bin" / "pso-chain"
    cmd = [str(exe) if exe.exists() else "pso-chain", "import", "ledger", str(files.ledger),
           "--register", str(files.register), "--sw", str(files.sw), "--buyer", str(files.buyer),
           "--out", str(folder / "ds"), "--allow-missing-figures"]
    out = Outcome("pso-chain")
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        out.exit_code = proc.returncode
        stderr = proc.stderr
    except subprocess.TimeoutExpired as exc:
        out.exit_code = None
        stderr = (exc.stderr or b"").decode() if isinstance(exc.stderr, bytes) else (exc.stderr or "")
        stderr += f"\ntimeout after {timeout:.0f} s"
    out.seconds = time.perf_counter() - start
    lines = [x for x in stderr.strip().splitlines() if x.strip()]
    out.last_line = lines[-1].strip() if lines else ""
    out.crashed = out.exit_code != 0 or "Traceback" in stderr
    reports = sorted(folder.glob("*match-report.csv"))
    if not reports:
        return out
    report = pd.read_csv(reports[0], dtype=str, keep_default_na=False)
    index = {_key(c.name, c.place): i for i, c in enumerate(world.creditors)}
    for row in report.itertuples(index=False):
        i = index.get(_key(row.ledger_name, row.ledger_place))
        if i is None:
            out.unjoined += 1
            continue
        out.decisions[i] = (str(row.status).strip().lower(), _kvk8(row.matched_kvk))
        if out.decisions[i][0] == "review":
            listed = f"{row.runner_up}; {row.alternatives}"
            out.shown[i] = {out.decisions[i][1]} | {_kvk8(m) for m in re.findall(r"(?:^|; )(\d{6,12}) ", listed)}
    return out


# ------------------------------------------------------------------ Splink


def _clean_name(name: str) -> str:
    s = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().lower()
    s = re.sub(r"[^a-z0-9& ]+", " ", s.replace(".", ""))
    s = LEGAL.sub(" ", s)
    return re.sub(r"\s+", " ", s).strip()


def _clean_kvk(value: str) -> str | None:
    d = re.sub(r"\D", "", str(value or ""))
    if len(d) == 12:
        d = d[:8]
    if len(d) == 7:
        d = "0" + d
    return d if len(d) == 8 else None


def _frame(names: list[str], kvks: list[str], places: list[str], postcodes: list[str], prefix: str) -> pd.DataFrame:
    df = pd.DataFrame({
        "unique_id": [f"{prefix}{i}" for i in range(len(names))],
        "name": [_clean_name(n) for n in names],
        "kvk": [_clean_kvk(k) for k in kvks],
        "place": [(p or "").strip().lower() or None for p in places],
        "pc4": [re.sub(r"\D", "", p or "")[:4] or None for p in postcodes],
    })
    df["name"] = df["name"].replace("", None)
    toks = df["name"].fillna("").str.split()
    df["first_tok"] = toks.str[0]
    df["last_tok"] = toks.str[-1]
    return df


def run_splink(world: World, threshold: float = 0.99, review_from: float = 0.5) -> Outcome:
    """Link the ledger's creditor records to register and SW rows with Splink (DuckDB)."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    out = Outcome("splink")
    start = time.perf_counter()
    try:
        reg = pd.DataFrame(world.register).drop_duplicates("KvK-nummer", keep="last")
        lists = pd.concat([
            reg[["Naam", "KvK-nummer", "Plaats", "Postcode"]],
            pd.DataFrame({"Naam": [f.name for f in world.sw], "KvK-nummer": [f.kvk for f in world.sw],
                          "Plaats": [f.place for f in world.sw], "Postcode": ["" for _ in world.sw]}),
        ], ignore_index=True)
        left = _frame(lists["Naam"].tolist(), lists["KvK-nummer"].tolist(), lists["Plaats"].tolist(),
                      lists["Postcode"].tolist(), "R")
        kvk_of = dict(zip(left["unique_id"], lists["KvK-nummer"], strict=True))
        cr = world.creditors
        right = _frame([c.name for c in cr], [c.kvk for c in cr], [c.place for c in cr],
                       [c.postcode for c in cr], "L")
        # the rarest word of a name (by register frequency) as a blocking key
        freq = left["name"].fillna("").str.split().explode().value_counts()
        for df in (left, right):
            df["rare_tok"] = [min(n.split(), key=lambda t: (freq.get(t, 0), t)) if n else None
                              for n in df["name"].fillna("")]
        settings = SettingsCreator(
            link_type="link_only",
            comparisons=[
                cl.ExactMatch("kvk"),
                cl.JaroWinklerAtThresholds("name", [0.97, 0.92, 0.85]),
                cl.ExactMatch("place"),
                cl.ExactMatch("pc4"),
            ],
            blocking_rules_to_generate_predictions=[
                block_on("kvk"), block_on("rare_tok"), block_on("first_tok"), block_on("pc4"),
                block_on("last_tok", "place"),
            ],
            probability_two_random_records_match=0.5 / max(1, len(left)),
        )
        db = DuckDBAPI()
        sl = db.register(left, dataset_display_name="lists")
        sr = db.register(right, dataset_display_name="ledger")
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            linker = Linker([sl, sr], settings, log_level=logging.ERROR)
            linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
            linker.training.estimate_parameters_using_expectation_maximisation(block_on("kvk"))
            linker.training.estimate_parameters_using_expectation_maximisation(block_on("rare_tok"))
            pred = linker.inference.predict(threshold_match_probability=review_from).as_pandas_dataframe()
        best: dict[int, tuple[float, str]] = {}
        for a, b, p in zip(pred["unique_id_l"], pred["unique_id_r"], pred["match_probability"], strict=True):
            led, lst = (a, b) if str(a).startswith("L") else (b, a)
            i = int(str(led)[1:])
            if i not in best or p > best[i][0]:
                best[i] = (float(p), kvk_of[lst])
        for i in range(len(cr)):
            if i in best:
                p, k = best[i]
                out.decisions[i] = ("accepted" if p >= threshold else "review", k)
            else:
                out.decisions[i] = ("unmatched", "")
    except Exception as exc:  # a peer's failure is a figure, not a stop
        out.crashed = True
        out.last_line = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
    out.seconds = time.perf_counter() - start
    return out


# ------------------------------------------------------------------ scoring


def score(world: World, out: Outcome, register: int) -> Score:
    """Compare an outcome with the truth."""
    cr = world.creditors
    n = len(cr)
    n_true = sum(1 for c in cr if c.truth_kvk)
    accepted = right = found = acc_found = review = shown = 0
    wrong_eur = 0.0
    examples: list[dict[str, str]] = []
    for i, c in enumerate(cr):
        status, kvk = out.decisions.get(i, ("missing", ""))
        truth = c.truth_kvk
        if status == "accepted":
            accepted += 1
            if kvk == truth:
                right += 1
            else:
                wrong_eur += c.spend
                examples.append(_example("wrong accept", c, kvk, world))
        if status == "review":
            review += 1
        listed = out.shown.get(i, {kvk}) if status == "review" else {kvk} if status == "accepted" else set()
        shown += bool(truth) and truth in listed
        if truth and status in ("accepted", "review") and kvk == truth:
            found += 1
            acc_found += status == "accepted"
        elif truth and status != "accepted":
            examples.append(_example(f"miss ({status})", c, kvk, world))
    have = bool(out.decisions)
    return Score(
        out.system, register, world.seed,
        precision=right / accepted if accepted else math.nan,
        recall=found / n_true if (n_true and have) else math.nan,
        accepted_recall=acc_found / n_true if (n_true and have) else math.nan,
        shown_recall=shown / n_true if (n_true and have) else math.nan,
        review_pct=100 * review / n if have else math.nan,
        wrong_eur=wrong_eur if have else math.nan,
        accepted=accepted, wrong_accepts=accepted - right, seconds=out.seconds, crashed=out.crashed,
        exit_code=out.exit_code, last_line=out.last_line, unjoined=out.unjoined, examples=examples,
    )


def _example(kind: str, c: object, kvk: str, world: World) -> dict[str, str]:
    from benchmarks.matchworld.generator import Creditor

    assert isinstance(c, Creditor)
    matched = world.firms.get(kvk)
    return {
        "kind": kind, "ledger": f"{c.name} | kvk {c.kvk or '-'} | {c.place or '-'}",
        "true": f"{c.firm.name} ({c.firm.place}, {c.truth_kvk or 'not certified'})",
        "matched": f"{matched.name} ({matched.place}, {kvk})" if matched else (kvk or "-"),
        "tags": " ".join(c.tags), "spend": f"{c.spend:,.0f}",
    }


def _pct(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{100 * x:.1f}%"


def table(scores: list[Score]) -> str:
    """The markdown table of all runs, and a mean line per system and register size."""
    head = ("| register | seed | system | precision (accepted right) | recall (found, acc.+review) | "
            "found as accepted | found, review rows' candidates included | review queue | EUR accepted wrongly | "
            "wrong accepts | time s | crashed |")
    lines = [head, "|" + "---|" * 12]
    for s in scores:
        crash = f"yes: exit {s.exit_code}: `{s.last_line[:90]}`" if s.crashed else "no"
        eur = "n/a" if math.isnan(s.wrong_eur) else f"{s.wrong_eur:,.0f}"
        rev = "n/a" if math.isnan(s.review_pct) else f"{s.review_pct:.1f}%"
        lines.append(f"| {s.register:,} | {s.seed} | {s.system} | {_pct(s.precision)} | {_pct(s.recall)} | "
                     f"{_pct(s.accepted_recall)} | {_pct(s.shown_recall)} | {rev} | {eur} | {s.wrong_accepts}/{s.accepted} | "
                     f"{s.seconds:.1f} | {crash} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=2, help="how many seeds per register size")
    ap.add_argument("--first-seed", type=int, default=1,
                    help="seeds FIRST..FIRST+N-1 (worlds never looked at while tuning: a held-out set)")
    ap.add_argument("--register", type=int, nargs="+", default=[5000, 50000])
    ap.add_argument("--suppliers", type=int, default=600)
    ap.add_argument("--peers", nargs="*", default=["splink"], choices=["splink"])
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--keep", type=Path, default=None, help="keep the worlds and reports here")
    ap.add_argument("--examples", type=int, default=10)
    a = ap.parse_args(argv)

    scores: list[Score] = []
    for size in a.register:
        for seed in range(a.first_seed, a.first_seed + a.seeds):
            world = make_world(seed, size, a.suppliers)
            tmp = Path(tempfile.mkdtemp(prefix=f"matchworld-{size}-{seed}-"))
            folder = (a.keep / f"r{size}-s{seed}") if a.keep else tmp
            try:
                out = run_pso_chain(world, folder, a.timeout)
                scores.append(score(world, out, size))
                print(f"pso-chain r={size} seed={seed}: {out.seconds:.1f} s, exit {out.exit_code}", file=sys.stderr)
                if "splink" in a.peers:
                    sp = run_splink(world)
                    scores.append(score(world, sp, size))
                    print(f"splink    r={size} seed={seed}: {sp.seconds:.1f} s", file=sys.stderr)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)

    print(table(scores))
    print()
    for system in dict.fromkeys(s.system for s in scores):
        ex = [e for s in scores if s.system == system for e in s.examples]
        wrong = [e for e in ex if e["kind"] == "wrong accept"]
        missed = [e for e in ex if e["kind"] != "wrong accept"]
        print(f"### {system}: wrong accepts ({len(wrong)}) and misses ({len(missed)}), first {a.examples} of each")
        for e in wrong[: a.examples] + missed[: a.examples]:
            print(f"- {e['kind']}: `{e['ledger']}` / true `{e['true']}` / matched `{e['matched']}` "
                  f"(EUR {e['spend']}; {e['tags']})")
        print()
    regs = " ".join(str(x) for x in a.register)
    print(f"reproduce: .venv/bin/python -m benchmarks.bench_match_independent --seeds {a.seeds} "
          f"--first-seed {a.first_seed} "
          f"--register {regs} --suppliers {a.suppliers}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
