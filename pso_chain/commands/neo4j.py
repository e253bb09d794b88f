"""``pso-chain neo4j``: a local server, loading a dataset (with the engine's scores on the
organisation nodes), running the packaged Cypher queries. Credentials and the database come
from the command's settings (:func:`pso_chain.commands.options.settings`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from pso_chain.commands.common import (
    OutOpt,
    RulesOpt,
    emit,
    error,
    fails_on_bad_input,
    render_table,
    say,
)
from pso_chain.commands.options import settings
from pso_chain.neo4jdb.bulk import starter
from pso_chain.neo4jdb.load import load_dataset
from pso_chain.neo4jdb.queries import load_query, parse_param, query_names, run_query
from pso_chain.neo4jdb.server import Neo4jServerError, run_forever
from pso_chain.rules import load_rules

neo4j_app = typer.Typer(
    name="neo4j", no_args_is_help=True,
    help="Neo4j: start a local server, load a dataset, run the packaged Cypher queries. "
         "Credentials from NEO4J_USER / NEO4J_PASSWORD (a local server's from its password "
         "file), database from NEO4J_DATABASE.")

UriOpt = Annotated[str, typer.Option("--uri", metavar="URI", help="bolt:// or neo4j:// URI of the server")]


@neo4j_app.command("local")
@fails_on_bad_input
def local_cmd(
    port: Annotated[int | None, typer.Option("--port", metavar="PORT", show_default=False,
                                             help="Bolt port (default: a free one)")] = None,
    data: Annotated[Path | None, typer.Option(
        "--data", metavar="FOLDER", show_default=False,
        help="Keep the database in this folder (default: a throwaway temporary one)")] = None,
    dataset: Annotated[Path | None, typer.Option(
        "--load", metavar="DATASET", show_default=False,
        help="Load this dataset folder first: Neo4j's offline importer into an empty "
             "database, a transactional update of an existing one")] = None,
    heap: Annotated[str, typer.Option("--heap", help="JVM heap of the server and importer")] = "1g",
    pagecache: Annotated[str, typer.Option("--pagecache", help="Neo4j page cache")] = "256m",
) -> None:
    """Start a throwaway Neo4j Community server on loopback; prints its bolt:// URI when ready.
    Authentication is on: user neo4j, the password from NEO4J_PASSWORD or the password file
    (made on first start, readable by you only; see docs/neo4j.md). Stops cleanly on Ctrl-C or
    SIGTERM. Needs a JDK 17+ and Maven (first start builds it)."""
    config = settings()
    start = None if dataset is None else starter(dataset, port=port, data_dir=data, heap=heap,
                                                   pagecache=pagecache, settings=config)
    try:
        run_forever(port, data, heap=heap, pagecache=pagecache, start=start, settings=config)
    except Neo4jServerError as exc:
        error(exc)
        raise typer.Exit(1) from None


@neo4j_app.command("load")
@fails_on_bad_input
def load_cmd(
    dataset: Annotated[str, typer.Argument(metavar="DATASET", help="Dataset folder to load")],
    uri: UriOpt,
    replace: Annotated[bool, typer.Option(
        "--replace", help="Delete the dataset already in the database first")] = False,
    batch: Annotated[int, typer.Option("--batch", min=1, metavar="ROWS",
                                       help="Rows per transaction")] = 50_000,
    rules: RulesOpt = None,
) -> None:
    """Validate a dataset folder and load it into Neo4j (idempotent: loading twice changes
    nothing); the engine's scores of the latest year are set on each organisation node
    (score_total_pct, score_trede, score_year, ...) for Browser and Bloom."""
    summary = load_dataset(dataset, uri, replace=replace, batch=batch, progress=True, rules=rules,
                           settings=settings())
    counts = pd.DataFrame({
        "what": ["organisations", "of which SW-bedrijf", "certificates", "employees_records",
                 "purchases (BUYS_FROM)", "organisations scored"],
        "in database": [summary["organisations"], summary["sw_organisations"],
                        summary["certificates"], summary["employee_records"], summary["purchases"],
                        summary["scored"]],
    })
    render_table(counts, title=f"loaded {dataset} into {uri.split('@')[-1]} (counts checked)")
    say(f"{summary['seconds']:.1f} s; purchases at {summary['purchases_per_second']:,.0f} relationships/s")


@neo4j_app.command("query")
@fails_on_bad_input
def query_cmd(
    uri: Annotated[str, typer.Argument(metavar="URI", help="bolt:// or neo4j:// URI of the server")],
    name: Annotated[str, typer.Argument(metavar="QUERY",
                                        help="Query name (a file in queries/, see `neo4j queries`)")],
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", metavar="NAME=VALUE", show_default=False,
        help="A parameter the query declares (repeatable)")] = None,
    rules: RulesOpt = None,
    out: OutOpt = None,
) -> None:
    """Run one packaged Cypher query; rules parameters are filled from the rules file."""
    query = load_query(name)
    given = dict(parse_param(query, p) for p in (param or []))
    frame = run_query(uri, name, load_rules(rules), settings=settings(), **given)
    emit(frame, out, title=query.summary)


@neo4j_app.command("queries")
def queries_cmd() -> None:
    """List the packaged Cypher queries and the parameters each declares."""
    rows = []
    for name in query_names():
        q = load_query(name)
        given = [f"${p.name} ({p.type})" for p in q.params if not p.from_rules]
        rows.append({"query": name, "parameters": ", ".join(given) or "-",
                     "rules parameters": sum(p.from_rules for p in q.params)})
    render_table(pd.DataFrame(rows), title="queries (pso-chain neo4j query URI NAME --param k=v)")
    say("rules parameters are filled from the rules file (--rules FILE)", err=True)


def register(app: typer.Typer) -> None:
    app.add_typer(neo4j_app, name="neo4j")
