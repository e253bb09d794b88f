"""Load a validated dataset into Neo4j: schema first, batched UNWIND writes, idempotent, counted.

The dataset is validated by the core first (bad data is refused, as for every other verb).
Constraints and indexes are created before any data. Nodes and relationships are written in
batches of ``UNWIND`` over parameter lists inside managed transactions, which the driver
retries on transient errors (a deadlock, a leader switch, a lost connection).

Idempotent by keys: every node and relationship has a key under a uniqueness constraint
(``org_id``, ``Certificate.key``, ``EmployeeRecord.row``, ``BUYS_FROM.row``). Each batch first
asks (through that index) whether any of its keys is already there, in the same transaction:
a batch none of whose keys exists takes a plain ``CREATE`` (the fast path of a fresh load), any
other batch ``MERGE``s on the key and sets the properties. So a second load, or a load run
again after a crash (each batch committed whole or not at all), changes nothing and doubles
nothing. Relationships find their end nodes by element id (fetched once after the
organisations are written) instead of an index lookup per row. At the end the database's
counts must equal the dataset's, else the load fails naming the difference.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pso_chain.neo4jdb import model
from pso_chain.neo4jdb.connect import Connection, connect
from pso_chain.network import read_dataset
from pso_chain.rules import Rules, load_rules
from pso_chain.validate import Dataset

DEFAULT_BATCH = 50_000
WIPE_BATCH = 50_000
ELEMENT_ID_CHUNK = 250_000

_ORG_SET = """
SET o.name = $name[i], o.employees = $employees[i], o.fte = $fte[i],
    o.target_fte = $target_fte[i], o.revenue_eur = $revenue_eur[i], o.sw = $sw[i],
    o.pso_level = $pso_level[i], o.pso_valid_from = date($pso_valid_from[i]),
    o.pso_valid_until = date($pso_valid_until[i]), o.qualitative_ok = $qualitative_ok[i],
    o.sbi = $sbi[i], o.delivers = $delivers[i], o.municipality = $municipality[i], o.postcode = $postcode[i],
    o.applies_code = $applies_code[i], o.threshold = $threshold[i], o.row = $row[i]
FOREACH (_ IN CASE WHEN $sw[i] THEN [1] ELSE [] END | SET o:SWBedrijf)
"""


@dataclass(frozen=True)
class Step:
    """One kind of thing written: how to tell whether a batch's keys exist, how to create a
    batch none of whose keys exists, and how to merge any other batch."""

    name: str
    key: str
    present: str
    create: str
    merge: str


ORGANISATIONS = Step(
    "organisations", "org_id",
    present="""
UNWIND $org_id AS key MATCH (o:Organisation {org_id: key}) RETURN count(o) AS n
""",
    create="""
UNWIND range(0, size($org_id) - 1) AS i
CREATE (o:Organisation {org_id: $org_id[i]})
""" + _ORG_SET,
    merge="""
UNWIND range(0, size($org_id) - 1) AS i
MERGE (o:Organisation {org_id: $org_id[i]})
""" + _ORG_SET + """
FOREACH (_ IN CASE WHEN $sw[i] THEN [] ELSE [1] END | REMOVE o:SWBedrijf)
""",
)

CERTIFICATES = Step(
    "certificates", "key",
    present="""
UNWIND $key AS key MATCH (c:Certificate {key: key}) RETURN count(c) AS n
""",
    create="""
UNWIND range(0, size($key) - 1) AS i
MATCH (o) WHERE elementId(o) = $org[i]
CREATE (o)-[:HAS_CERTIFICATE]->(:Certificate {
  key: $key[i], level: $level[i], valid_from: date($valid_from[i]),
  valid_until: date($valid_until[i]), source: $source[i], row: $row[i]})
""",
    merge="""
UNWIND range(0, size($key) - 1) AS i
MATCH (o) WHERE elementId(o) = $org[i]
MERGE (c:Certificate {key: $key[i]})
SET c.level = $level[i], c.valid_from = date($valid_from[i]),
    c.valid_until = date($valid_until[i]), c.source = $source[i], c.row = $row[i]
MERGE (o)-[:HAS_CERTIFICATE]->(c)
""",
)

EMPLOYEES_RECORDS = Step(
    "employees_records", "row",
    present="""
UNWIND $row AS key MATCH (e:EmployeeRecord {row: key}) RETURN count(e) AS n
""",
    create="""
UNWIND range(0, size($row) - 1) AS i
MATCH (o) WHERE elementId(o) = $org[i]
CREATE (o)-[:EMPLOYS]->(:EmployeeRecord {
  row: $row[i], person_id: $person_id[i], start_position: $start_position[i],
  contract_type: $contract_type[i], hours_per_week: $hours_per_week[i],
  fulltime_hours: $fulltime_hours[i], months: $months[i]})
""",
    merge="""
UNWIND range(0, size($row) - 1) AS i
MATCH (o) WHERE elementId(o) = $org[i]
MERGE (e:EmployeeRecord {row: $row[i]})
SET e.person_id = $person_id[i], e.start_position = $start_position[i],
    e.contract_type = $contract_type[i], e.hours_per_week = $hours_per_week[i],
    e.fulltime_hours = $fulltime_hours[i], e.months = $months[i]
MERGE (o)-[:EMPLOYS]->(e)
""",
)

PURCHASES = Step(
    "purchases", "row",
    present="""
MATCH ()-[p:BUYS_FROM]->() WHERE p.row >= $low AND p.row <= $high RETURN count(p) AS n
""",
    create="""
UNWIND range(0, size($row) - 1) AS i
MATCH (b) WHERE elementId(b) = $buyer[i]
MATCH (s) WHERE elementId(s) = $supplier[i]
CREATE (b)-[:BUYS_FROM {row: $row[i], year: $year[i], amount_eur: $amount_eur[i],
                        date: date($date[i])}]->(s)
""",
    merge="""
UNWIND range(0, size($row) - 1) AS i
MATCH (b) WHERE elementId(b) = $buyer[i]
MATCH (s) WHERE elementId(s) = $supplier[i]
MERGE (b)-[p:BUYS_FROM {row: $row[i]}]->(s)
SET p.year = $year[i], p.amount_eur = $amount_eur[i], p.date = date($date[i])
""",
)

ELEMENT_IDS = """
MATCH (o:Organisation) WHERE o.row >= $low AND o.row < $high
RETURN collect(o.org_id) AS org_id, collect(elementId(o)) AS element_id
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


def _write_batch(tx, step: Step, columns: dict[str, list]) -> str:
    """One batch in one transaction: CREATE when none of its keys exists yet, else MERGE."""
    keys = columns[step.key]
    if step is PURCHASES:  # rows in file order: one index range
        present = tx.run(step.present, low=min(keys), high=max(keys)).single()
    else:
        present = tx.run(step.present, {step.key: keys}).single()
    query = step.create if present["n"] == 0 else step.merge
    tx.run(query, columns).consume()
    return "create" if query is step.create else "merge"


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


def element_ids(conn: Connection, data: Dataset) -> np.ndarray:
    """Element id of every organisation node, in node order (for id seeks instead of index
    lookups when writing relationships)."""
    rows = data.organisations["_row"].to_numpy(dtype=np.int64)
    if len(rows) == 0:
        return np.zeros(0, dtype=object)
    found = []
    for low in range(int(rows.min()), int(rows.max()) + 1, ELEMENT_ID_CHUNK):
        found.append(pd.DataFrame(conn.read(ELEMENT_IDS, low=low, high=low + ELEMENT_ID_CHUNK)[0]))
    table = pd.concat(found, ignore_index=True).drop_duplicates("org_id")
    eids = pd.Series(table["element_id"].to_numpy(dtype=object), index=table["org_id"].astype(str))
    out = eids.reindex(data.organisations["org_id"].astype(str)).to_numpy(dtype=object)
    if pd.isna(out).any():
        raise conn.target.fail("organisations are missing after writing them")
    return out


def _with_element_ids(columns: dict, eids: np.ndarray, keys: tuple[str, ...]) -> dict[str, list]:
    """Replace node-index columns by the nodes' element ids (lists for the driver)."""
    return {name: (eids[values].tolist() if name in keys else values)
            for name, values in columns.items()}


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


class _Writer:
    """Writes steps in batches, one managed transaction per batch, reporting progress."""

    def __init__(self, conn: Connection, batch: int, report: Progress):
        self.conn, self.batch, self.report = conn, batch, report
        self.modes: dict[str, dict[str, int]] = {}
        self.seconds: dict[str, float] = {}

    def write(self, step: Step, total: int, columns_of: Callable[[int, int], dict]) -> None:
        start = time.perf_counter()
        modes: dict[str, int] = {}
        self.report(step.name, 0, total)
        with self.conn.session() as session:
            for lo in range(0, total, self.batch):
                hi = min(lo + self.batch, total)
                mode = session.execute_write(_write_batch, step, columns_of(lo, hi))
                modes[mode] = modes.get(mode, 0) + 1
                self.report(step.name, hi, total)
        self.modes[step.name] = modes
        self.seconds[f"{step.name}_s"] = time.perf_counter() - start


def load_dataset(folder: str | Path, uri: str, replace: bool = False, batch: int = DEFAULT_BATCH,
                 progress: bool | Progress = False, rules: Rules | str | Path | None = None) -> dict:
    """Validate the dataset in ``folder`` and write it into the Neo4j database at ``uri``.

    ``replace`` deletes the dataset already in the database first; without it the load MERGEs
    (a second load of the same dataset changes nothing). ``batch`` rows go in one transaction.
    ``progress`` is True for a rich progress bar on stderr, or a callable
    ``(step, done, total)``. Returns the database's counts with timings (``seconds``,
    ``purchases_per_second``) and how many batches were created or merged.
    Raises :class:`PsoInputError` on bad data, on connection problems and when the counts
    after loading differ from the dataset.
    """
    if batch < 1:
        raise ValueError("batch must be at least 1")
    if not isinstance(rules, Rules):
        rules = load_rules(rules)
    data = read_dataset(folder, rules)  # table checks and the rule checks (eligible suppliers)
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

    def sliced(columns: dict) -> Callable[[int, int], dict]:
        return lambda lo, hi: {name: values[lo:hi] for name, values in columns.items()}

    with connect(uri) as conn, (bar or nullcontext()):
        start = time.perf_counter()
        create_schema(conn)
        if replace:
            wipe(conn)
        conn.write(DATASET_WRITE, meta=meta, complete=False)
        writer = _Writer(conn, batch, report)
        writer.write(ORGANISATIONS, len(data.organisations),
                     sliced(model.organisation_rows(data)))
        eids = element_ids(conn, data)
        for step, columns in ((CERTIFICATES, model.certificate_rows(data)),
                              (EMPLOYEES_RECORDS, model.record_rows(data))):
            columns = _with_element_ids(columns, eids, ("org",))
            writer.write(step, len(columns["row"]), sliced(columns))
        n = len(data.purchases)
        writer.write(PURCHASES, n, lambda lo, hi: _with_element_ids(
            model.purchase_rows(data, lo, hi), eids, ("buyer", "supplier")))
        counts = check_counts(conn, data)
        conn.write(DATASET_WRITE, meta=meta, complete=True)
        seconds = time.perf_counter() - start
    rate = n / writer.seconds["purchases_s"] if writer.seconds["purchases_s"] else 0.0
    return {**counts, **writer.seconds, "seconds": seconds, "batches": writer.modes,
            "purchases_per_second": rate}
