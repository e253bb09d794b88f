"""A fresh load through Neo4j's own offline importer (``neo4j-admin database import full``).

For an empty database the transactional loader (``load.py``) is the slow way: every
relationship is a transaction-log record and an index update. Neo4j's importer instead writes
the store files directly from CSV files, on all cores, before the server starts. So a fresh
load here is: validate the dataset (the same checks as every verb), write the graph model of
``docs/neo4j.md`` as CSV files with separate header files (``:ID``/``:START_ID``/``:END_ID``,
typed columns), run the importer (``org.neo4j.cli.AdminTool`` from the launcher's classpath,
the same Maven Central artifacts as the server), start the server on that store, then create
the constraints and indexes, record the ``:PsoDataset`` node and check every count.

The result is the same graph as the transactional load: the same labels, properties, types
and keys (``tests/test_neo4j_bulk.py`` compares the two), so updates to it later go through
``pso-chain neo4j load`` (MERGE on the keys).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from pso_chain.config import Settings, child_environment
from pso_chain.core.loading import read_dataset
from pso_chain.neo4jdb import model
from pso_chain.neo4jdb.build import ADMIN_CLASS, Neo4jServerError, Progress, _tail, java_command
from pso_chain.neo4jdb.connect import connect
from pso_chain.neo4jdb.load import (
    check_counts,
    create_schema,
    load_dataset,
    score_columns,
    statement,
    write_stamp,
)
from pso_chain.neo4jdb.server import LocalNeo4j
from pso_chain.rules import Rules, load_rules
from pso_chain.validate import Dataset

DATABASE = "neo4j"  # the embedded server's default database


@dataclass
class ImportFiles:
    """The CSV files of one import: ``--nodes``/``--relationships`` arguments (label or type, header file,
    data files) and whether any text field holds a line break (the importer must then parse
    quoted fields over several lines, which is slower)."""

    nodes: list[tuple[str, Path, tuple[Path, ...]]] = field(default_factory=list)  # label, header, data
    relationships: list[tuple[str, Path, tuple[Path, ...]]] = field(default_factory=list)  # type, ...
    multiline: bool = False


def _dates(values) -> pa.Array:
    """Dates as Arrow date32 (null where missing: an absent property)."""
    days = np.asarray(values, dtype="datetime64[s]").astype("datetime64[D]")
    return pa.array(days, type=pa.date32(), mask=np.isnat(days))


def _floats(values) -> pa.Array:
    """Floats, null where NaN (an absent property). Arrow writes the shortest text that reads
    back as the same double, so the bits survive the CSV."""
    arr = np.asarray(values, dtype=float)
    return pa.array(arr, type=pa.float64(), mask=np.isnan(arr))


def _texts(values) -> pa.Array:
    return pa.array(np.asarray(values, dtype=object).astype(str), type=pa.string())


def _has_break(array: pa.Array) -> bool:
    import pyarrow.compute as pc

    return bool(pc.any(pc.match_substring_regex(array, "[\r\n]")).as_py() or False)


PIECE_ROWS = 2_500_000  # rows per data file: big tables are written in pieces, in parallel


class _Writer:
    """Writes one header file and one or more data files per node label or relationship type;
    the data files are written by a pool of threads (Arrow's CSV writer runs without Python's
    lock), one piece of at most :data:`PIECE_ROWS` rows each. :meth:`close` waits for them."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.files = ImportFiles()
        self.pool = ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1)))
        self.jobs: list[Future] = []

    def add(self, kind: str, name: str, header: list[str], columns: list[pa.Array], *,
            label: str = "") -> None:
        """One table; ``label`` is the label (nodes) or type (relationships) of every row,
        given to the importer on its command line instead of a column of 10M equal texts."""
        head = self.folder / f"{name}.header.csv"
        head.write_text(",".join(header) + "\n", encoding="utf-8")
        table = pa.table(columns, names=[f"c{i}" for i in range(len(columns))])
        for column in table.columns:
            if pa.types.is_string(column.type) and _has_break(column.combine_chunks()):
                self.files.multiline = True
        bodies = []
        for k, start in enumerate(range(0, max(table.num_rows, 1), PIECE_ROWS)):
            body = self.folder / f"{name}.{k}.csv"
            bodies.append(body)
            # quoted strings: "" is an empty text, an unquoted empty field a missing value
            self.jobs.append(self.pool.submit(
                pacsv.write_csv, table.slice(start, PIECE_ROWS), body,
                pacsv.WriteOptions(include_header=False, quoting_style="needed")))
        (self.files.nodes if kind == "nodes" else self.files.relationships).append(
            (label, head, tuple(bodies)))

    def close(self) -> ImportFiles:
        """Wait for every data file (an error in one is raised here)."""
        try:
            for job in self.jobs:
                job.result()
        finally:
            self.pool.shutdown(wait=True)
        return self.files


def _score_columns(data: Dataset, columns: dict | None) -> tuple[list[str], list[pa.Array]]:
    """The engine's scores (:func:`~pso_chain.neo4jdb.load.score_columns`) as properties of the
    organisation nodes (what :func:`~pso_chain.neo4jdb.load.write_scores` sets after a
    transactional load), written into the import files so no update of a million nodes follows
    the import."""
    if columns is None:
        return [], []
    n = len(data.organisations)
    # the scores' rows in the organisations' (node) order
    at = pd.Index(columns["org_id"]).get_indexer(data.organisations["org_id"].astype(str))
    if (at < 0).any():
        raise ValueError("an organisation has no score")
    trede = np.array(columns["trede"], dtype=float)[at]  # None (no trede) becomes NaN

    def floats(name: str) -> pa.Array:
        return _floats(np.asarray(columns[name], dtype=float)[at])

    return (["score_year:long", "score_rules", "score_total_pct:double", "score_direct_pct:double",
             "score_indirect_counted_pct:double", "score_trede:long"],
            [pa.array(np.full(n, columns["year"], dtype=np.int64)),
             _texts(np.full(n, columns["rules_version"], dtype=object)),
             floats("total_pct"), floats("direct_pct"), floats("indirect_counted_pct"),
             pa.array(np.nan_to_num(trede).astype(np.int64), type=pa.int64(), mask=np.isnan(trede))])


def write_import_files(data: Dataset, folder: Path, scores: dict | None = None) -> ImportFiles:
    """The graph model of ``data`` as importer CSV files in ``folder`` (with ``scores``, from
    :func:`~pso_chain.neo4jdb.load.score_columns`, on the organisations, as after
    ``pso-chain neo4j load``).

    Node ids are integers in separate id spaces (``--id-type=integer``): an organisation's
    node index, a certificate's or a person's position; they are not stored as properties.
    Labels and types that every row of a file shares are given on the importer's command line.
    """
    folder.mkdir(parents=True, exist_ok=True)
    out = _Writer(folder)
    o = data.organisations
    n = len(o)
    sw = o["sw"].to_numpy(dtype=bool)
    labels = np.where(sw, f"{model.ORGANISATION};{model.SW_LABEL}", model.ORGANISATION)
    score_header, score_values = _score_columns(data, scores)
    out.add("nodes", "organisations", [
        ":ID(Organisation)", "org_id", "name", "employees:long", "fte:double", "target_fte:double",
        "revenue_eur:double", "sw:boolean", "pso_level", "pso_valid_from:date",
        "pso_valid_until:date", "qualitative_ok:boolean", "sbi", "delivers", "municipality", "postcode",
        "applies_code:boolean", "threshold:double", "row:long", *score_header, ":LABEL"], [
        pa.array(np.arange(n, dtype=np.int64)), _texts(o["org_id"]), _texts(o["name"]),
        pa.array(o["employees"].to_numpy(dtype=np.int64)), _floats(o["fte"]),
        _floats(o["target_fte"]), _floats(o["revenue_eur"]), pa.array(sw),
        _texts(o["pso_level"]), _dates(o["pso_valid_from"]), _dates(o["pso_valid_until"]),
        pa.array(o["qualitative_ok"].to_numpy(dtype=bool)), _texts(o["sbi"]),
        _texts(o["delivers"] if "delivers" in o.columns else np.full(n, "", dtype=object)),
        _texts(o["municipality"]), _texts(o["postcode"]),
        pa.array(o["applies_code"].to_numpy(dtype=bool)), _floats(o["threshold"]),
        pa.array(o["_row"].to_numpy(dtype=np.int64)), *score_values, pa.array(labels.astype(str))])

    certs = model.certificate_rows(data)
    m = len(certs["row"])
    ids = pa.array(np.arange(m, dtype=np.int64))
    out.add("nodes", "certificates", [
        ":ID(Certificate)", "key", "level", "valid_from:date", "valid_until:date", "source",
        "row:long"], [
        ids, _texts(certs["key"]), _texts(certs["level"]),
        _dates(np.array(certs["valid_from"], dtype="datetime64[D]")),
        _dates(np.array(certs["valid_until"], dtype="datetime64[D]")), _texts(certs["source"]),
        pa.array(np.asarray(certs["row"], dtype=np.int64))], label=model.CERTIFICATE)
    out.add("relationships", "has_certificate", [
        ":START_ID(Organisation)", ":END_ID(Certificate)"], [
        pa.array(np.asarray(certs["org"], dtype=np.int64)), ids], label=model.HAS_CERTIFICATE)

    records = model.record_rows(data)
    k = len(records["row"])
    ids = pa.array(np.arange(k, dtype=np.int64))
    out.add("nodes", "employees_records", [
        ":ID(EmployeeRecord)", "row:long", "person_id", "start_position", "contract_type",
        "hours_per_week:double", "fulltime_hours:double", "months:double"], [
        ids, pa.array(np.asarray(records["row"], dtype=np.int64)), _texts(records["person_id"]),
        _texts(records["start_position"]), _texts(records["contract_type"]),
        _floats(np.array(records["hours_per_week"], dtype=float)),
        _floats(np.array(records["fulltime_hours"], dtype=float)),
        _floats(np.array(records["months"], dtype=float))], label=model.EMPLOYEE_RECORD)
    out.add("relationships", "employs", [
        ":START_ID(Organisation)", ":END_ID(EmployeeRecord)"], [
        pa.array(np.asarray(records["org"], dtype=np.int64)), ids], label=model.EMPLOYS)

    p = data.purchases
    out.add("relationships", "purchases", [
        ":START_ID(Organisation)", ":END_ID(Organisation)", "row:long", "year:long",
        "amount_eur:double", "date:date"], [
        pa.array(p["buyer"].to_numpy(dtype=np.int64)),
        pa.array(p["supplier"].to_numpy(dtype=np.int64)),
        pa.array(p["_row"].to_numpy(dtype=np.int64)), pa.array(p["year"].to_numpy(dtype=np.int64)),
        _floats(p["amount_eur"]), _dates(p["date"])], label=model.BUYS_FROM)
    return out.close()


def database_exists(home: Path, database: str = DATABASE) -> bool:
    """Whether the local server home ``home`` already holds the store of ``database``."""
    return (Path(home) / "data" / "databases" / database / "neostore").exists()


def run_importer(home: Path, files: ImportFiles, *, heap: str = "1g", database: str = DATABASE,
                 progress: Progress | None = None, settings: Settings | None = None,
                 options: tuple[str, ...] = ()) -> float:
    """Run ``neo4j-admin database import full`` into the (stopped) server home ``home``;
    returns the seconds it took. A :class:`Neo4jServerError` with the importer's last lines
    when it fails (it refuses any bad row: ``--bad-tolerance=0``). ``options``: more of the
    importer's own options (``benchmarks/bench_neo4j.py --importer-floor`` compares some)."""
    home = Path(home).resolve()
    if database_exists(home, database):
        raise Neo4jServerError(f"{home} already holds a database: a bulk import needs an empty one "
                               "(load into a running server with `pso-chain neo4j load`)")
    (home / "conf").mkdir(parents=True, exist_ok=True)
    report = Path(tempfile.mkdtemp(prefix="pso-chain-import-")) / "import.report"
    java, build_dir = java_command(ADMIN_CLASS, heap, progress, settings)
    cmd = [*java, "database", "import", "full", database, "--id-type=integer",
           f"--multiline-fields={'true' if files.multiline else 'false'}",
           "--bad-tolerance=0", "--skip-bad-relationships=false", "--skip-duplicate-nodes=false",
           f"--report-file={report}", *options]
    cmd += [f"--nodes={label + '=' if label else ''}{','.join(map(str, (head, *bodies)))}"
            for label, head, bodies in files.nodes]
    cmd += [f"--relationships={kind + '=' if kind else ''}{','.join(map(str, (head, *bodies)))}"
            for kind, head, bodies in files.relationships]
    env = child_environment(settings, {"NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")})
    started = time.perf_counter()
    try:
        done = subprocess.run(cmd, cwd=build_dir, env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, encoding="utf-8", errors="replace",
                              check=False)
    finally:
        shutil.rmtree(report.parent, ignore_errors=True)
    if done.returncode != 0 or "IMPORT DONE" not in done.stdout:
        raise Neo4jServerError(f"the Neo4j importer failed (exit {done.returncode}):\n"
                               + _tail(done.stdout + "\n" + done.stderr, 25))
    return time.perf_counter() - started


def import_dataset(folder: str | Path, home: Path, rules=None, *, heap: str = "1g",
                   progress: Progress | None = None, settings: Settings | None = None
                   ) -> tuple[Dataset, dict]:
    """Validate the dataset in ``folder`` and import it into the stopped server home ``home``
    (which must not hold a database yet). Returns the validated dataset and timings."""
    rules = rules if isinstance(rules, Rules) else load_rules(rules)
    started = time.perf_counter()
    data = read_dataset(folder, rules)  # table checks and the rule checks, as the loader
    data.report.raise_for_errors()
    validated = time.perf_counter()
    if database_exists(home):
        raise Neo4jServerError(f"{Path(home).resolve()} already holds a database: a bulk import "
                               "needs an empty one (update a running server with "
                               "`pso-chain neo4j load`)")
    scores = score_columns(data, rules)
    scored = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="pso-chain-csv-"))
    try:
        if progress:
            progress(f"Writing the import files of {folder}...")
        files = write_import_files(data, work, scores)
        written = time.perf_counter()
        if progress:
            progress("Running the Neo4j importer (neo4j-admin database import full)...")
        seconds = run_importer(home, files, heap=heap, progress=progress, settings=settings)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return data, {"validate_s": validated - started, "score_s": scored - validated,
                  "write_csv_s": written - scored, "import_s": seconds}


def finish_import(uri: str, data: Dataset, source: str, rules: Rules,
                  settings: Settings | None = None) -> dict[str, float]:
    """After the server started on an imported store (the engine's scores already on the
    organisations): constraints and indexes (waited for), every count checked against the
    dataset, and the ``:PsoDataset`` node marked complete and stamped.

    The keys only the transactional update's MERGE needs (``BUYS_FROM.row`` over 10M
    relationships, most of the schema's time; ``Certificate.key``; ``EmployeeRecord.row``) are
    left to the first such update (``pso-chain neo4j load`` creates the whole schema before it
    writes); reading goes by organisation rows and follows relationships."""
    with connect(uri, settings) as conn:
        started = time.perf_counter()
        create_schema(conn, update_keys=False)
        schema = time.perf_counter()
        counts = check_counts(conn, data)
        conn.write(statement("dataset_write"), meta=model.dataset_meta(data, source), complete=True)
        write_stamp(conn, source, rules)
        return {**counts, "schema_s": schema - started, "counts_stamp_s": time.perf_counter() - schema}


def start_with_dataset(folder: str | Path, *, port: int | None = None, data_dir: Path | None = None,
                       heap: str = "1g", pagecache: str = "256m", password: str | None = None,
                       rules=None, progress: Progress | None = None,
                       settings: Settings | None = None):
    """A started :class:`~pso_chain.neo4jdb.server.LocalNeo4j` holding the dataset in
    ``folder``, and what the load took.

    When the server's home holds no database yet (a temporary one, or a new ``data_dir``) the
    dataset goes in through the offline importer before the server starts; otherwise the
    server starts on the database it has and the dataset is loaded into it transactionally
    (MERGE on the keys: an update). The caller stops the server.
    """
    rules = rules if isinstance(rules, Rules) else load_rules(rules)
    held: dict = {}

    def before(home: Path) -> None:
        if not database_exists(home):
            held["data"], held["times"] = import_dataset(folder, home, rules, heap=heap,
                                                         progress=progress, settings=settings)
            held["imported_at"] = time.perf_counter()

    started = time.perf_counter()
    server = LocalNeo4j(port=port, data_dir=data_dir, heap=heap, pagecache=pagecache,
                        password=password, progress=progress, before_start=before,
                        settings=settings)
    server.start()
    uri, client = server.uri, server.client_settings
    try:
        if "data" in held:
            ready = time.perf_counter()
            counts = finish_import(uri, held["data"], str(folder), rules, client)
            summary = {**held["times"], **counts, "mode": "import", "indexes_s": time.perf_counter() - ready,
                       "server_s": ready - held["imported_at"]}
        else:
            summary = {**load_dataset(folder, uri, rules=rules, progress=bool(progress),
                                      settings=client), "mode": "update"}
    except BaseException:
        server.stop()
        raise
    summary["seconds"] = time.perf_counter() - started
    return server, summary


def starter(dataset: Path, *, port: int | None = None, data_dir: Path | None = None,
            heap: str = "1g", pagecache: str = "256m", password: str | None = None,
            settings: Settings | None = None):
    """A ``start`` for :func:`~pso_chain.neo4jdb.server.run_forever`: the server with
    ``dataset`` loaded (:func:`start_with_dataset`), the load reported through ``say``."""

    def start(say: Progress):
        server, summary = start_with_dataset(dataset, port=port, data_dir=data_dir, heap=heap,
                                             pagecache=pagecache, password=password, progress=say,
                                             settings=settings)
        how = ("the offline importer" if summary["mode"] == "import"
               else "a transactional update of the database there")
        say(f"Loaded {dataset} through {how}: {summary['organisations']:,} organisations, "
            f"{summary['purchases']:,} purchases in {summary['seconds']:.1f} s (counts checked).")
        return server

    return start
