"""The installed ``pso-chain`` console script, run as a real subprocess; and the network bridges.

Output files must hold exactly the contract's columns (docs/contract.md) in order; ``explain --out x.json``
must trace every number; ``--year`` selects the purchases of that year. ``to_networkx`` and the
CSR ``adjacency`` are checked against a plain loop and a dense numpy accumulation.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from pso_chain.core.loading import load_network
from pso_chain.core.scoring import credits
from tests.datasets import buy, org, random_tables, write_tables

# docs/contract.md, the scoring contract: the columns of `pso-chain credits`, in this order
CONTRACT_COLUMNS = ["org_id", "name", "year", "employees", "fte", "target_fte", "direct_pct",
                    "indirect_fte", "indirect_pct", "indirect_counted_pct", "total_pct", "norm_trede1",
                    "norm_trede2", "norm_trede3", "trede", "cap_applied", "pso30plus"]
RECORD_COLUMNS = ["org_id", "person_id", "start_position", "contract_type", "hours_per_week",
                  "fulltime_hours", "months"]


def console_script() -> str:
    """The installed ``pso-chain`` beside this interpreter (the venv's bin), else on PATH."""
    beside = Path(sys.executable).parent / "pso-chain"
    if beside.exists():
        return str(beside)
    found = shutil.which("pso-chain")
    if found is None:
        pytest.skip("pso-chain console script is not installed")
    return found


def pso_chain(*args, check_exit: int | None = 0) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "PSO_CHAIN_LANG": "en"}  # English: contract names
    done = subprocess.run([console_script(), *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=120)
    if check_exit is not None:
        assert done.returncode == check_exit, (args, done.stdout, done.stderr)
    return done


@pytest.fixture(scope="module")
def story(tmp_path_factory) -> Path:
    """A buyer A (12 employees, records for its direct part) with one purchase of each kind.

    A: fte 40, records 1.0 + 0.5*0.9*20/40*6/12 = 1.1125 FTE -> direct 2.78125%, cap 11.125%.
    2025: 200k from SW-bedrijf B (revenue 1M, target 30) -> 6.0 FTE; 50k from C on 1 March while
    its level-2 certificate holds (revenue 500k, target 2) -> 0.2 FTE; 40k from C on 1 September,
    after the certificate expired on 30 June -> 0; 1k from uncertified D -> 0; a self-purchase.
    indirect 6.2 FTE -> 100*6.2/46.2 = 13.42% > cap 11.125%: the cap binds.
    2024: only 100k from B -> 3.0 FTE.
    """
    folder = tmp_path_factory.mktemp("story")
    write_tables(
        folder,
        [org("A", employees=12, fte=40.0, target_fte=""),
         org("B", sw=True, target_fte=30.0, revenue_eur=1_000_000.0),
         org("C", target_fte=2.0, revenue_eur=500_000.0, pso_level="2", pso_valid_from="2024-01-01",
             pso_valid_until="2025-06-30"),
         org("D", target_fte=1.0, revenue_eur=100_000.0)],
        [buy("A", "B", 150_000.0), buy("A", "C", 50_000.0, date="2025-03-01"),
         buy("A", "C", 40_000.0, date="2025-09-01"), buy("A", "D", 1_000.0), buy("A", "A", 5.0),
         buy("A", "B", 50_000.0, date="2025-12-31"), buy("A", "B", 100_000.0, year=2024)],
        employees_records=pd.DataFrame([["A", "p1", "pw", "regular", 40, 40, 12],
                                        ["A", "p2", "bbl1", "flex", 20, 40, 6]], columns=RECORD_COLUMNS),
        certifications=[{"org_id": "C", "level": "2", "valid_from": "2024-01-01",
                         "valid_until": "2025-06-30"}],
    )
    return folder


def read_output(path: Path) -> pd.DataFrame:
    suffix = path.suffix
    if suffix == ".csv":
        return pd.read_csv(path, dtype={"org_id": str})
    if suffix == ".parquet":
        return pd.read_parquet(path)
    if suffix == ".xlsx":
        return pd.read_excel(path, dtype={"org_id": str})
    return pd.DataFrame(json.loads(path.read_text(encoding="utf-8")))


# --- credits --out -----------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx", ".json"])
def test_credits_out_writes_exactly_the_contract_columns(story: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"scores{suffix}"
    pso_chain("credits", story, "--out", out)
    frame = read_output(out)
    assert list(frame.columns) == CONTRACT_COLUMNS
    assert frame["org_id"].tolist() == ["A", "B", "C", "D"]
    expected = credits(load_network(story))
    pct = 100 if suffix == ".xlsx" else 1  # Excel holds percentages as fractions in a % format
    for col in ("direct_pct", "indirect_fte", "total_pct", "norm_trede1"):
        scale = pct if col.endswith("_pct") or col.startswith("norm_") else 1
        assert scale * frame[col].to_numpy(dtype=float) == pytest.approx(
            expected[col].to_numpy(dtype=float), rel=1e-12)
    a = frame.set_index("org_id").loc["A"]
    assert a["indirect_fte"] == pytest.approx(6.2)
    assert bool(a["cap_applied"]) is True
    assert pct * a["indirect_counted_pct"] == pytest.approx(100 * 1.1125 / 40 * 4)
    assert int(a["year"]) == 2025


def test_credits_without_out_prints_a_readable_table(story: Path) -> None:
    done = pso_chain("credits", story)
    assert "org_id" in done.stdout and "total_pct" in done.stdout
    for org_id in ("A", "B", "C", "D"):
        assert f" {org_id} " in done.stdout


def test_credits_year_selects_the_purchases_of_that_year(story: Path, tmp_path: Path) -> None:
    pso_chain("credits", story, "--year", 2024, "--out", tmp_path / "y2024.csv")
    pso_chain("credits", story, "--out", tmp_path / "latest.csv")
    y2024 = pd.read_csv(tmp_path / "y2024.csv").set_index("org_id")
    latest = pd.read_csv(tmp_path / "latest.csv").set_index("org_id")
    assert (y2024["year"] == 2024).all() and (latest["year"] == 2025).all()
    assert y2024.at["A", "indirect_fte"] == pytest.approx(3.0)   # 100k / 1M * 30
    assert latest.at["A", "indirect_fte"] == pytest.approx(6.2)


def test_unknown_output_extension_is_refused(story: Path, tmp_path: Path) -> None:
    done = pso_chain("credits", story, "--out", tmp_path / "scores.txt", check_exit=None)
    assert done.returncode == 2 and "scores.txt" in done.stderr  # a usage error, before any work
    assert not (tmp_path / "scores.txt").exists()


# --- explain -------------------------------------------------------------------------------------------
def test_explain_json_traces_every_number(story: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.json"
    pso_chain("explain", story, "--org", "A", "--out", out)
    ex = json.loads(out.read_text(encoding="utf-8"))
    assert ex["org_id"] == "A" and ex["year"] == 2025

    direct = ex["direct"]
    assert direct["source"] == "source_records"  # a code: the person-level records (employees_records)
    persons = {p["person_id"]: p for p in direct["persons"]}
    assert persons["p1"]["weighted_fte"] == pytest.approx(1.0)
    assert persons["p2"]["start_position_weight"] == 0.5 and persons["p2"]["contract_weight"] == 0.9
    assert persons["p2"]["weighted_fte"] == pytest.approx(0.1125)
    assert direct["target_fte"] == pytest.approx(1.1125)
    assert direct["direct_pct"] == pytest.approx(100 * 1.1125 / 40)

    rows = {p["row"]: p for p in ex["purchases"]}
    assert sorted(rows) == [2, 3, 4, 5, 6, 7]  # the 2024 purchase (row 8) is not in 2025
    assert rows[2]["counted"] and rows[2]["reason"] == "sw_supplier"
    assert rows[2]["supplier_revenue_eur"] == 1_000_000.0 and rows[2]["supplier_target_fte"] == 30.0
    assert rows[2]["indirect_fte"] == pytest.approx(4.5)
    assert rows[3]["counted"] and rows[3]["indirect_fte"] == pytest.approx(0.2)
    assert not rows[4]["counted"]
    assert rows[4]["reason"] == "certificate_expired: level=2; until=2025-06-30; on=2025-09-01"
    assert not rows[5]["counted"] and rows[5]["reason"] == "not_certified"
    assert not rows[6]["counted"] and rows[6]["reason"] == "self_purchase"
    assert rows[7]["counted"] and rows[7]["date"] == "2025-12-31"

    ind = ex["indirect"]
    assert ind["indirect_fte"] == pytest.approx(6.2) and ind["counted_purchases"] == 3
    assert ind["indirect_pct"] == pytest.approx(100 * 6.2 / 46.2)
    assert ind["cap_applied"] is True
    assert ind["cap_pct"] == pytest.approx(4 * 100 * 1.1125 / 40)
    assert ind["indirect_counted_pct"] == pytest.approx(ind["cap_pct"])

    norms = ex["norms"]
    assert [r["size"] for r in norms["rows"]] == [10, 15] and norms["fraction"] == pytest.approx(0.4)
    assert [norms["norm_trede1"], norms["norm_trede2"], norms["norm_trede3"]] == pytest.approx([6.5, 8.6, 14.5])
    total = 5 * 100 * 1.1125 / 40  # direct + 4 x direct = 13.90625
    assert ex["total_pct"] == pytest.approx(total)
    assert ex["trede"] == 2 and ex["trede_reason"].startswith("meets_norm:")  # 13.9 >= 8.6, < 14.5
    assert "trede=2;" in ex["trede_reason"]
    assert ex["pso30plus"] is False
    assert ex["fee"] == {"band": "10-49", "eur_per_year": 650.0}


def test_explain_for_an_earlier_year_and_on_the_terminal(story: Path) -> None:
    done = pso_chain("explain", story, "--org", "A", "--year", 2024)
    assert "2024" in done.stdout and "SW-bedrijf" in done.stdout
    assert "interpolation" in done.stdout


def test_explain_unknown_org_exits_1(story: Path) -> None:
    done = pso_chain("explain", story, "--org", "NOPE", check_exit=1)
    assert "NOPE" in done.stderr


# --- validate ----------------------------------------------------------------------------------------
def test_validate_subprocess(story: Path, tmp_path: Path) -> None:
    assert "ok" in pso_chain("validate", story).stdout
    bad = tmp_path / "bad"
    shutil.copytree(story, bad)
    text = (bad / "purchases.csv").read_text(encoding="utf-8").replace("A,D,1000.0", "A,D,-1000.0")
    (bad / "purchases.csv").write_text(text, encoding="utf-8")
    done = pso_chain("validate", bad, "--quarantine", tmp_path / "q.csv", check_exit=1)
    assert f"{bad}/purchases.csv, row 5, column amount_eur" in done.stderr
    quarantine = pd.read_csv(tmp_path / "q.csv")
    assert quarantine[["row", "column"]].values.tolist() == [[5, "amount_eur"]]
    pso_chain("credits", bad, check_exit=1)


def test_help_and_usage(story: Path) -> None:
    assert "credits" in pso_chain("--help").stdout
    pso_chain("credits", check_exit=2)


# --- the network bridges: networkx and CSR ------------------------------------------------------------
@pytest.fixture(scope="module")
def small_network(tmp_path_factory):
    folder = write_tables(tmp_path_factory.mktemp("net"), **random_tables(7, n_orgs=25, n_purchases=180))
    return load_network(folder)


def loop_graph(net, year=None, keep=None) -> nx.DiGraph:
    """The obvious graph: one loop over purchase rows, amounts summed per buyer -> supplier."""
    ids = net.organisations["org_id"].tolist()
    graph = nx.DiGraph()
    graph.add_nodes_from(i for i in ids if keep is None or i in keep)
    for b, s, amount, y in zip(net.purchases["buyer"], net.purchases["supplier"],
                               net.purchases["amount_eur"], net.purchases["year"], strict=True):
        if year is not None and y != year:
            continue
        u, v = ids[b], ids[s]
        if keep is not None and (u not in keep or v not in keep):
            continue
        if graph.has_edge(u, v):
            graph[u][v]["amount_eur"] += float(amount)
        else:
            graph.add_edge(u, v, amount_eur=float(amount))
    return graph


def assert_same_graph(got: nx.DiGraph, want: nx.DiGraph) -> None:
    assert sorted(got.nodes) == sorted(want.nodes)
    assert sorted(got.edges) == sorted(want.edges)
    for u, v, data in want.edges(data=True):
        assert got[u][v]["amount_eur"] == pytest.approx(data["amount_eur"], rel=1e-12)


@pytest.mark.parametrize("year", [None, 2024, 2025])
def test_to_networkx_equals_a_loop_built_graph(small_network, year) -> None:
    # like every verb: the latest year when none is given
    want = loop_graph(small_network, year if year is not None else small_network.latest_year)
    assert_same_graph(small_network.to_networkx(year=year), want)


def test_to_networkx_of_a_selection(small_network) -> None:
    keep = set(small_network.organisations["org_id"].iloc[::3])
    assert_same_graph(small_network.to_networkx(nodes=sorted(keep)),
                      loop_graph(small_network, small_network.latest_year, keep=keep))


def test_to_networkx_node_attributes(small_network) -> None:
    graph = small_network.to_networkx()
    orgs = small_network.organisations.set_index("org_id")
    for org_id, data in graph.nodes(data=True):
        assert data["sw"] == bool(orgs.at[org_id, "sw"])
        assert data["name"] == orgs.at[org_id, "name"]


@pytest.mark.parametrize("year", [None, 2024, 2025])
@pytest.mark.parametrize("eligible_only", [False, True])
@pytest.mark.parametrize("drop_self", [False, True])
def test_adjacency_equals_dense_accumulation(small_network, year, eligible_only, drop_self) -> None:
    net = small_network
    dense = np.zeros((net.n, net.n))
    buyer = net.purchases["buyer"].to_numpy()
    supplier = net.purchases["supplier"].to_numpy()
    keep = np.ones(len(buyer), bool)
    if year is not None:
        keep &= net.purchases["year"].to_numpy() == year
    if eligible_only:
        keep &= net.eligible
    if drop_self:
        keep &= buyer != supplier
    np.add.at(dense, (buyer[keep], supplier[keep]), net.purchases["amount_eur"].to_numpy()[keep])
    matrix = net.adjacency(year=year, eligible_only=eligible_only, drop_self=drop_self)
    assert matrix.shape == (net.n, net.n) and matrix.format == "csr"
    np.testing.assert_allclose(matrix.toarray(), dense, rtol=1e-12, atol=0)
    assert matrix.nnz == np.count_nonzero(dense)  # duplicates summed, one entry per pair


# --- the CLI is parse, one library call, render ---------------------------------------------------------
COMMANDS = Path(__file__).resolve().parents[1] / "pso_chain" / "commands"


def test_commands_choose_no_backend_and_compute_nothing() -> None:
    for path in COMMANDS.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for banned in ("is_database_uri", "_cypher(", "from pso_chain.core.scoring", "def example_path",
                       "closest_to_next_trede(", "trede_distribution("):
            assert banned not in text, (path.name, banned)
        if path.name != "neo4j.py":  # `pso-chain neo4j load|query` is about the database itself
            assert "neo4jdb" not in text, path.name


def test_version() -> None:
    from pso_chain import __version__

    assert pso_chain("--version").stdout.strip() == f"pso-chain {__version__}"


def _help_pages() -> list[list[str]]:
    from typer.main import get_command

    from pso_chain.cli import app

    root = get_command(app)
    pages = [[]]
    for name, command in root.commands.items():
        pages.append([name])
        for sub in getattr(command, "commands", {}):
            pages.append([name, sub])
    return pages


def test_help_reads_as_plain_words() -> None:
    from typer.testing import CliRunner

    from pso_chain.cli import app

    runner = CliRunner()
    for page in _help_pages():
        text = runner.invoke(app, [*page, "--help"], env={"COLUMNS": "200"}).output
        for bad in ("<bool>", "<list[", "%Y", "{dataset}", "[default:", "<str>", "<int", "<float"):
            assert bad not in text, (page, bad)
    embodied = runner.invoke(app, ["embodied", "--help"], env={"COLUMNS": "200"}).output
    assert "Usage: pso-chain embodied [OPTIONS] DATASET" in embodied
    assert "(default: 1000)" in runner.invoke(app, ["generate", "--help"], env={"COLUMNS": "200"}).output


def test_flags_are_flags(story: Path, tmp_path: Path) -> None:
    out = tmp_path / "e.csv"
    pso_chain("embodied", story, "--compare", "--out", out)
    assert "indirect_fte" in pd.read_csv(out).columns
    pso_chain("embodied", story, "--compare", "true", check_exit=2)  # a flag takes no value


def test_municipality_is_m_on_every_verb_that_has_it() -> None:
    from typer.main import get_command

    from pso_chain.cli import app

    root = get_command(app)
    found = []
    for command in root.commands.values():
        for cmd in [command, *getattr(command, "commands", {}).values()]:
            for param in cmd.params:
                if "--municipality" in getattr(param, "opts", []):
                    assert "-m" in param.opts, cmd.name
                    found.append(cmd.name)
    assert {"suppliers", "exposure", "seeds", "report"} <= set(found)
