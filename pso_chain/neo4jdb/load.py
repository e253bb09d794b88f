"""Load a validated dataset into Neo4j: schema first, batched UNWIND writes, idempotent, counted.

The dataset is validated by the core first (bad data is refused, as for every other verb).
Constraints and indexes are created before any data. Nodes and relationships are written in
batches of ``UNWIND`` over parameter lists inside managed transactions, which the driver
retries on transient errors. Every write MERGEs on a key under a uniqueness constraint, so a
second load — or a load re-run after a crash — changes nothing and doubles nothing; a batch of
purchase rows none of which exists yet takes a plain ``CREATE`` (the fast path of a fresh
load), any other batch MERGEs row by row. At the end the database's counts must equal the
dataset's, else the load fails naming the difference.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

from pso_chain.neo4jdb import model
from pso_chain.neo4jdb.connect import Connection, connect
from pso_chain.rules import Rules, load_rules
from pso_chain.validate import Dataset, validate_folder

DEFAULT_BATCH = 10_000
WIPE_BATCH = 50_000

ORGANISATIONS_WRITE = """
UNWIND range(0, size($org_id) - 1) AS i
MERGE (o:Organisation {org_id: $org_id[i]})
SET o.name = $name[i], o.employees = $employees[i], o.fte = $fte[i],
    o.target_fte = $target_fte[i], o.revenue_eur = $revenue_eur[i], o.sw = $sw[i],
    o.pso_level = $pso_level[i], o.pso_valid_from = date($pso_valid_from[i]),
    o.pso_valid_until = date($pso_valid_until[i]), o.qualitative_ok = $qualitative_ok[i],
    o.sbi = $sbi[i], o.municipality = $municipality[i], o.postcode = $postcode[i],
    o.applies_code = $applies_code[i], o.threshold = $threshold[i], o.row = $row[i]
FOREACH (_ IN CASE WHEN $sw[i] THEN [1] ELSE [] END | SET o:SWBedrijf)
FOREACH (_ IN CASE WHEN $sw[i] THEN [] ELSE [1] END | REMOVE o:SWBedrijf)
"""

CERTIFICATES_WRITE = """
UNWIND range(0, size($key) - 1) AS i
MATCH (o:Organisation {org_id: $org_id[i]})
MERGE (c:Certificate {key: $key[i]})
SET c.level = $level[i], c.valid_from = date($valid_from[i]),
    c.valid_until = date($valid_until[i]), c.source = $source[i], c.row = $row[i]
MERGE (o)-[:HAS_CERTIFICATE]->(c)
"""

RECORDS_WRITE = """
UNWIND range(0, size($row) - 1) AS i
MATCH (o:Organisation {org_id: $org_id[i]})
MERGE (e:EmployeeRecord {row: $row[i]})
SET e.person_id = $person_id[i], e.start_position = $start_position[i],
    e.contract_type = $contract_type[i], e.hours_per_week = $hours_per_week[i],
    e.fulltime_hours = $fulltime_hours[i], e.months = $months[i]
MERGE (o)-[:EMPLOYS]->(e)
"""

PURCHASES_PRESENT = """
MATCH ()-[p:BUYS_FROM]->() WHERE p.row >= $low AND p.row <= $high
RETURN count(p) AS n
"""

PURCHASES_CREATE = """
UNWIND range(0, size($row) - 1) AS i
MATCH (b:Organisation {org_id: $buyer_id[i]})
MATCH (s:Organisation {org_id: $supplier_id[i]})
CREATE (b)-[:BUYS_FROM {row: $row[i], year: $year[i], amount_eur: $amount_eur[i],
                        date: date($date[i])}]->(s)
"""

PURCHASES_MERGE = """
UNWIND range(0, size($row) - 1) AS i
MATCH (b:Organisation {org_id: $buyer_id[i]})
MATCH (s:Organisation {org_id: $supplier_id[i]})
MERGE (b)-[p:BUYS_FROM {row: $row[i]}]->(s)
SET p.year = $year[i], p.amount_eur = $amount_eur[i], p.date = date($date[i])
"""

DATASET_WRITE = """
MERGE (d:PsoDataset {key: $meta.key})
SET d += $meta, d.complete = $complete
"""

WIPE_PURCHASES = """
MATCH ()-[p:BUYS_FROM]->() WITH p LIMIT $limit DELETE p RETURN count(*) AS n
"""

WIPE_NODES = """
MATCH (n:Organisation|Certificate|EmployeeRecord|PsoDataset)
WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n
"""

Progress = Callable[[str, int, int], None]  # (step, done, total)


def _write_purchases(tx, columns: dict[str, list]) -> str:
    """One batch of purchase rows: CREATE when none of its rows exists yet, else MERGE."""
    present = tx.run(PURCHASES_PRESENT, low=min(columns["row"]), high=max(columns["row"])).single()
    query = PURCHASES_CREATE if present["n"] == 0 else PURCHASES_MERGE
    tx.run(query, columns).consume()
    return "create" if query is PURCHASES_CREATE else "merge"


def _slice(columns: dict[str, list], start: int, stop: int) -> dict[str, list]:
    return {name: values[start:stop] for name, values in columns.items()}


def create_schema(conn: Connection) -> None:
    """Constraints and indexes of the graph model (idempotent), then wait until they are online."""
    for statement in model.SCHEMA:
        conn.run_auto(statement)
    conn.run_auto("CALL db.awaitIndexes(600)")


def wipe(conn: Connection, batch: int = WIPE_BATCH) -> None:
    """Delete the dataset (every node and relationship of the graph model), in batches."""
    for query in (WIPE_PURCHASES, WIPE_NODES):
        while conn.write(query, limit=batch)[0]["n"]:
            pass


def database_counts(conn: Connection) -> dict[str, int]:
    """How many nodes and relationships of each kind of the graph model the database holds."""
    return {name: int(conn.read(query)[0]["n"]) for name, query in model.COUNT_QUERIES.items()}


def check_counts(conn: Connection, data: Dataset) -> dict[str, int]:
    """The database's counts against the dataset's; a PsoInputError naming each difference."""
    expected = model.expected_counts(data)
    expected.update({link: expected[node] for link, node in model.LINKS_OF.items()})
    found = database_counts(conn)
    wrong = [f"{name}: database {found[name]:,}, dataset {n:,}" for name, n in expected.items()
             if found[name] != n]
    if wrong:
        raise conn.target.fail(
            "after loading, the database does not hold exactly the dataset (" + "; ".join(wrong)
            + "); another dataset was there before: load again with --replace")
    return found


def _run(tx, query: str, params: dict) -> None:
    tx.run(query, params).consume()


def _batches(conn: Connection, query: str, columns: dict[str, list], batch: int, step: str,
             report: Progress) -> None:
    """Write ``columns`` in batches of ``batch`` rows, one managed transaction each."""
    total = len(next(iter(columns.values())))
    report(step, 0, total)
    with conn.session() as session:
        for start in range(0, total, batch):
            session.execute_write(_run, query, _slice(columns, start, start + batch))
            report(step, min(start + batch, total), total)


def _rich_progress():
    """A progress bar on stderr (stdout stays clean for output)."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(TextColumn("{task.description:<18}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), TimeRemainingColumn(), console=Console(stderr=True))


def load_dataset(folder: str | Path, uri: str, replace: bool = False, batch: int = DEFAULT_BATCH,
                 progress: bool | Progress = False, rules: Rules | str | Path | None = None) -> dict:
    """Validate the dataset in ``folder`` and write it into the Neo4j database at ``uri``.

    ``replace`` deletes the dataset already in the database first; without it the load MERGEs
    (a second load of the same dataset changes nothing). ``progress`` is True for a rich
    progress bar on stderr, or a callable ``(step, done, total)``. Returns the database's
    counts with timings (``seconds``, ``purchases_per_second``).
    Raises :class:`PsoInputError` on bad data, on connection problems and when the counts
    after loading differ from the dataset.
    """
    if batch < 1:
        raise ValueError("batch must be at least 1")
    if not isinstance(rules, Rules):
        rules = load_rules(rules)
    data = validate_folder(folder, rules)
    data.report.raise_for_errors()
    meta = model.dataset_meta(data, str(folder))
    bar = _rich_progress() if progress is True else None
    tasks: dict[str, int] = {}

    def report(step: str, done: int, total: int) -> None:
        if callable(progress):
            progress(step, done, total)
        elif bar is not None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=total)
            bar.update(tasks[step], completed=done)

    timings: dict[str, float] = {}
    with connect(uri) as conn, (bar or nullcontext()):
        start = time.perf_counter()
        create_schema(conn)
        if replace:
            wipe(conn)
        conn.write(DATASET_WRITE, meta=meta, complete=False)
        timings["schema_s"] = time.perf_counter() - start
        steps = (
            ("organisations", ORGANISATIONS_WRITE, model.organisation_rows(data)),
            ("certificates", CERTIFICATES_WRITE, model.certificate_rows(data)),
            ("employees_records", RECORDS_WRITE, model.record_rows(data)),
        )
        for step, query, columns in steps:
            t0 = time.perf_counter()
            _batches(conn, query, columns, batch, step, report)
            timings[f"{step}_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        n = len(data.purchases)
        modes: dict[str, int] = {}
        report("purchases", 0, n)
        with conn.session() as session:
            for lo in range(0, n, batch):
                columns = model.purchase_rows(data, lo, lo + batch)
                mode = session.execute_write(_write_purchases, columns)
                modes[mode] = modes.get(mode, 0) + 1
                report("purchases", min(lo + batch, n), n)
        timings["purchases_s"] = time.perf_counter() - t0
        counts = check_counts(conn, data)
        conn.write(DATASET_WRITE, meta=meta, complete=True)
        timings["seconds"] = time.perf_counter() - start
    return {**counts, **timings, "purchase_batches": modes,
            "purchases_per_second": n / timings["purchases_s"] if timings["purchases_s"] else 0.0}
