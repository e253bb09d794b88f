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

Then the engine's scores (:func:`pso_chain.core.scoring.credits` on the same validated
dataset, the latest purchase year) are set on the organisation nodes — ``score_year``,
``score_rules``, ``score_total_pct``, ``score_direct_pct``, ``score_indirect_counted_pct``
and ``score_trede`` (absent when no trede) — so Browser and Bloom show them. They are stored,
never computed in Cypher: scoring lives in the engine only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pso_chain import check
from pso_chain.config import Settings
from pso_chain.core.compiled_key import content_hash
from pso_chain.core.loading import read_dataset
from pso_chain.core.network import PurchaseNetwork
from pso_chain.core.scoring import credits
from pso_chain.neo4jdb import model
from pso_chain.neo4jdb.connect import Connection, connect
from pso_chain.neo4jdb.queries import load_query
from pso_chain.rules import Rules, load_rules
from pso_chain.validate import Dataset

DEFAULT_BATCH = 50_000
WIPE_BATCH = 50_000
ELEMENT_ID_CHUNK = 250_000

@dataclass(frozen=True)
class Step:
    """One kind of thing written: how to tell whether a batch's keys exist, how to create a
    batch none of whose keys exists, and how to merge any other batch (``queries/load/``)."""

    name: str
    key: str

    @property
    def present(self) -> str:
        return load_query(f"load/{self.name}_present").text

    @property
    def create(self) -> str:
        return load_query(f"load/{self.name}_create").text

    @property
    def merge(self) -> str:
        return load_query(f"load/{self.name}_merge").text


ORGANISATIONS = Step("organisations", "org_id")
CERTIFICATES = Step("certificates", "key")
EMPLOYEES_RECORDS = Step("employees_records", "row")
PURCHASES = Step("purchases", "row")


def statement(name: str) -> str:
    """The text of ``queries/load/NAME.cypher``."""
    return load_query(f"load/{name}").text


Progress = Callable[[str, int, int], None]  # (step, done, total)


def _write_batch(tx, step: Step, columns: dict[str, list]) -> str:
    """One batch in one transaction: CREATE when none of its keys exists yet, else MERGE."""
    keys = columns[step.key]
    if step is PURCHASES:  # rows in file order: one index range
        present = tx.run(step.present, low=min(keys), high=max(keys)).single()
    else:
        present = tx.run(step.present, {step.key: keys}).single()
    fresh = present["n"] == 0
    tx.run(step.create if fresh else step.merge, columns).consume()
    return "create" if fresh else "merge"


def schema_statements() -> list[str]:
    """The constraints and indexes of ``queries/load/schema.cypher``, one statement each."""
    body = "\n".join(line for line in statement("schema").splitlines()
                     if not line.lstrip().startswith("//"))
    return [part.strip() for part in body.split(";") if part.strip()]


# Constraints only the transactional loader's MERGE needs (reading goes by organisation rows and
# relationships): a fresh bulk import leaves them to the first transactional update.
UPDATE_KEYS = ("pso_buys_from_row", "pso_certificate_key", "pso_employee_record_row")


def create_schema(conn: Connection, update_keys: bool = True) -> None:
    """Constraints and indexes of the graph model (idempotent), then wait until they are online.
    Without ``update_keys`` the constraints of :data:`UPDATE_KEYS` are left out (a fresh bulk
    import: the next transactional load creates them before it merges)."""
    wanted = [text for text in schema_statements()
              if update_keys or not any(f" {name} " in text for name in UPDATE_KEYS)]
    conn.run_together(wanted)  # one transaction: the indexes are populated together
    conn.run_auto(statement("await_indexes"))


def wipe(conn: Connection, batch: int = WIPE_BATCH) -> None:
    """Delete the dataset (every node and relationship of the graph model), in batches."""
    for name in ("wipe_purchases", "wipe_nodes"):
        while conn.write(statement(name), limit=batch)[0]["n"]:
            pass


def database_counts(conn: Connection) -> dict[str, int]:
    """How many nodes and relationships of each kind of the graph model the database holds."""
    return {name: int(n) for name, n in conn.read(statement("counts"))[0].items()}


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


def score_columns(data: Dataset, rules: Rules, year: int | None = None) -> dict | None:
    """The engine's scores of every organisation as the parameters of
    ``queries/load/scores_write.cypher``; None when the dataset has no purchase year."""
    network = PurchaseNetwork(data, rules)
    if year is None and not len(network.years):
        return None
    scores = credits(network, year)
    trede = scores["trede"]
    return {
        "org_id": scores["org_id"].astype(str).tolist(),
        "year": int(network.resolve_year(year)),
        "rules_version": str(rules.version),
        "total_pct": scores["total_pct"].astype(float).tolist(),
        "direct_pct": scores["direct_pct"].astype(float).tolist(),
        "indirect_counted_pct": scores["indirect_counted_pct"].astype(float).tolist(),
        "trede": [None if pd.isna(t) else int(t) for t in trede],
    }


def write_scores(conn: Connection, data: Dataset, rules: Rules, year: int | None = None,
                 batch: int = DEFAULT_BATCH) -> int:
    """Set the engine's scores on the organisation nodes (in batches); returns how many."""
    columns = score_columns(data, rules, year)
    if columns is None:
        return 0
    n = len(columns["org_id"])
    lists = ("org_id", "total_pct", "direct_pct", "indirect_counted_pct", "trede")
    for lo in range(0, n, batch):
        part = {k: (v[lo:lo + batch] if k in lists else v) for k, v in columns.items()}
        conn.write(statement("scores_write"), **part)
    return n


def write_stamp(conn: Connection, folder: str | Path, rules: Rules) -> str:
    """Stamp the database after a complete load with a hash of the tables and rules loaded
    (``queries/load/stamp_write.cypher``; the same folder loaded again keeps it), part of the
    key of the verbs' compiled network on the URI (:mod:`pso_chain.neo4jdb.cached`). Returns
    the stamp."""
    found = conn.write(statement("stamp_write"), key=model.DATASET_KEY,
                       stamp=content_hash(folder, rules))
    return str(found[0]["stamp"])


def element_ids(conn: Connection, data: Dataset) -> np.ndarray:
    """Element id of every organisation node, in node order (for id seeks instead of index
    lookups when writing relationships)."""
    rows = data.organisations["_row"].to_numpy(dtype=np.int64)
    if len(rows) == 0:
        return np.zeros(0, dtype=object)
    query = statement("element_ids")
    found = [pd.DataFrame(conn.read(query, low=low, high=low + ELEMENT_ID_CHUNK)[0])
             for low in range(int(rows.min()), int(rows.max()) + 1, ELEMENT_ID_CHUNK)]
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
                 progress: bool | Progress = False, rules: Rules | str | Path | None = None,
                 settings: Settings | None = None) -> dict:
    """Validate the dataset in ``folder`` and write it into the Neo4j database at ``uri``.

    ``replace`` deletes the dataset already in the database first; without it the load MERGEs
    (a second load of the same dataset changes nothing). ``batch`` rows go in one transaction.
    ``progress`` is True for a rich progress bar on stderr, or a callable
    ``(step, done, total)``. Returns the database's counts with timings (``seconds``,
    ``purchases_per_second``) and how many batches were created or merged.
    Raises :class:`PsoInputError` on bad data, on connection problems and when the counts
    after loading differ from the dataset.
    """
    batch = check.positive_int(batch, "batch")
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

    with connect(uri, settings) as conn, (bar or nullcontext()):
        start = time.perf_counter()
        create_schema(conn)
        if replace:
            wipe(conn)
        conn.write(statement("dataset_write"), meta=meta, complete=False)
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
        scored_start = time.perf_counter()
        scored = write_scores(conn, data, rules, batch=batch)
        writer.seconds["scores_s"] = time.perf_counter() - scored_start
        conn.write(statement("dataset_write"), meta=meta, complete=True)
        stamp = write_stamp(conn, folder, rules)
        seconds = time.perf_counter() - start
    rate = n / writer.seconds["purchases_s"] if writer.seconds["purchases_s"] else 0.0
    return {**counts, **writer.seconds, "seconds": seconds, "batches": writer.modes,
            "purchases_per_second": rate, "scored": scored, "stamp": stamp}
