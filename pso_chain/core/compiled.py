"""The compiled network: a validated dataset written once as memory-mappable files.

Reading and validating a national dataset takes seconds; asking about one organisation should
not. :func:`open_compiled` therefore keeps, per dataset folder, the validated tables and what
the network derives from them (eligibility of every purchase row, certificate layers, direct
FTE, a row index per buyer and per organisation's records) as ``.npy`` files that
``np.load(mmap_mode="r")`` maps without reading, plus one Arrow IPC file per table for the
text columns. Opening it costs milliseconds and several processes (``serve`` workers) share
its pages through the page cache.

Staleness. An entry is named by a key: the xxh3-128 hash of the content of every table file
(the whole bytes, hashed on every open: ~0.05 s per 100 MB; size and modification time alone
could miss an edit), the file names present, the rules (every value, not just the version),
the engine code that validates and derives (its source files) and the format version. Any
changed row, added or removed table file, other rules or other code gives another key, so a
stale entry is never read: it is rebuilt, and the old one removed.

Safety. An entry is written into a temporary folder and renamed into place when complete
(atomic on one file system): a reader never sees half an entry, and of two concurrent
builders one rename wins and the other's copy is dropped. The manifest, written last, lists
every file with its size and shape; an entry that does not match it (truncated, deleted
files) is rebuilt, not trusted. ``pso-chain build --verify`` also rechecks each file's hash.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc

from pso_chain.config import Settings
from pso_chain.core.certification import CertificateIndex
from pso_chain.core.compiled_key import (  # noqa: F401 (re-exported: the compiled network's key)
    FORMAT_VERSION,
    TABLES,
    cache_key,
    cache_root,
    hash_file,
    table_files,
)
from pso_chain.core.explanation import _provenance
from pso_chain.core.loading import load_network
from pso_chain.core.network import PurchaseNetwork
from pso_chain.errors import PROBLEM_COLUMNS, Problem, PsoInputError
from pso_chain.parsing import is_database_uri, to_days
from pso_chain.rules import Rules, load_rules
from pso_chain.validate import Dataset, ValidationReport

MANIFEST = "manifest.json"
FEW_IDS_SHARE = 8  # CompiledNetwork.nodes: fewer distinct ids than n / this: probe a set of them
KEEP_OTHERS = 2  # older entries of a dataset kept beside the newest (most recently used first)
DATASET_FILE = "dataset.txt"  # in a dataset's folder of entries: the dataset folder's path
UNUSED_DAYS = 30  # a database's entries (no folder to check for) are dropped after this long

Say = Callable[[str], None]


def _stderr(message: str) -> None:
    """A library call prints nothing: its progress goes to the ``pso_chain`` logger (INFO),
    which the command line shows on stderr."""
    logging.getLogger("pso_chain").info(message)


# ------------------------------------------------------------------------- writing


def _is_numeric(series: pd.Series) -> bool:
    return isinstance(series.dtype, np.dtype) and series.dtype.kind in "biufM"


def _save_frame(frame: pd.DataFrame, folder: Path, name: str) -> dict:
    """Numeric, bool and datetime columns as ``.npy``, the others in one Arrow IPC file."""
    columns, text = [], []
    for col in frame.columns:
        series = frame[col]
        if _is_numeric(series):
            np.save(folder / f"{name}.{col}.npy", np.ascontiguousarray(series.to_numpy()))
            columns.append({"name": col, "kind": "npy"})
        else:
            text.append(col)
            columns.append({"name": col, "kind": "arrow", "object": series.dtype == object})
    if text:
        table = pa.table({c: pa.array(frame[c], from_pandas=True) for c in text}).combine_chunks()
        _write_arrow(table, folder / f"{name}.arrow")
    return {"rows": len(frame), "columns": columns}


def _write_arrow(table: pa.Table, path: Path) -> None:
    with pa.OSFile(str(path), "wb") as sink, ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


def _save_problems(problems: pd.DataFrame, folder: Path) -> None:
    """The validation warnings (shown again on every open), values as text."""
    def text(col: str) -> pa.Array:
        values = problems[col].to_numpy(dtype=object)
        return pa.array([None if v is None or (isinstance(v, float) and v != v) else str(v)
                         for v in values], type=pa.string())

    table = pa.table({
        **{c: text(c) for c in PROBLEM_COLUMNS if c != "row"},
        "row": pa.array(problems["row"].astype("Int64").to_numpy(dtype=object, na_value=None),
                        type=pa.int64()),
    })
    kinds = {c: "object" if problems[c].dtype == object else "str" for c in PROBLEM_COLUMNS}
    table = table.replace_schema_metadata({"kinds": json.dumps(kinds)})
    _write_arrow(table, folder / "problems.arrow")


def _provenance_table(network: PurchaseNetwork) -> pa.Table | None:
    """Where imported purchase rows came from (``source``, ``invoice_id``), per purchase row,
    as ``explain`` shows it (the raw tables are not kept)."""
    values = _provenance(network, np.arange(len(network.purchases)))
    if not values:
        return None
    return pa.table({c: pa.array(v, type=pa.string()) for c, v in values.items()})


def _derived(network: PurchaseNetwork) -> dict[str, np.ndarray]:
    """What the network derives once: eligibility, certificates, direct FTE, row indices."""
    certs = network.certificates
    n = network.n
    buyer = network.buyer
    order = np.argsort(buyer, kind="stable")
    arrays = {
        "eligible": np.asarray(network.eligible, dtype=bool),
        "target_fte": np.asarray(network.target_fte, dtype=float),
        "has_records": np.asarray(network.has_records, dtype=bool),
        "cert_valid_from": certs.valid_from, "cert_valid_until": certs.valid_until,
        "cert_level": certs.level, "cert_eligible": certs.eligible,
        "buyer_order": order.astype(np.int64),
        "buyer_ptr": np.r_[0, np.cumsum(np.bincount(buyer, minlength=n))].astype(np.int64),
    }
    records = network.employees_records
    if records is not None:
        org = records["org"].to_numpy()
        arrays["record_order"] = np.argsort(org, kind="stable").astype(np.int64)
        arrays["record_ptr"] = np.r_[0, np.cumsum(np.bincount(org[org >= 0], minlength=n))
                                     ].astype(np.int64)
    return arrays


def write_compiled(network: PurchaseNetwork, entry: Path, key: str) -> Path:
    """Write ``network`` as the entry ``entry`` (via a temporary folder and one rename).

    Returns the entry; when another process finished the same entry first, its copy is kept.
    A dataset's folder of entries is created private to the user (0700): the entries hold
    person-level rows (``employees_records``).
    """
    entry.parent.parent.mkdir(parents=True, exist_ok=True)
    entry.parent.mkdir(mode=0o700, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{key[:8]}-", dir=entry.parent))
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o777 & ~umask)  # readable like the files in it (mkdtemp makes it private)
    try:
        data = network.data
        tables = {}
        for name in TABLES:
            frame = getattr(network, name)
            if frame is not None:
                tables[name] = _save_frame(frame, tmp, name)
        arrays = _derived(network)
        for name, arr in arrays.items():
            np.save(tmp / f"{name}.npy", np.ascontiguousarray(arr))
        _save_problems(data.report.problems, tmp)
        provenance = _provenance_table(network)
        if provenance is not None:
            _write_arrow(provenance, tmp / "provenance.arrow")
        files = {p.name: p.stat().st_size for p in sorted(tmp.iterdir())}
        manifest = {
            "format": FORMAT_VERSION, "key": key, "n": network.n, "rows": len(network.purchases),
            "tables": tables, "arrays": {k: list(v.shape) for k, v in arrays.items()},
            "levels": list(network.certificates.levels), "files": files,
            "years": [int(y) for y in network.years],
            "hashes": {name: hash_file(tmp / name) for name in files},
            "sources": dict(data.files), "rules_version": network.rules.version,
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1))
        try:
            os.rename(tmp, entry)
        except OSError:  # another builder renamed the same entry first: keep theirs
            if not _complete(entry):
                raise
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return entry


def _remove_temporary(root: Path) -> None:
    """Drop the leftovers of replaced entries (not other builders' folders in progress)."""
    for other in root.glob(".tmp-old-*"):
        shutil.rmtree(other, ignore_errors=True)


def _remove_gone_datasets(root: Path, served: str | Path) -> None:
    """Note which dataset folder (or database URI) ``root`` serves, and drop the entries of
    dataset folders that no longer exist (a temporary folder's, a moved dataset's) and of
    databases unused for :data:`UNUSED_DAYS`: the cache does not grow with every folder or
    server ever opened."""
    text = str(served) if is_database_uri(served) else str(Path(served).resolve())
    (root / DATASET_FILE).write_text(text, encoding="utf-8")
    for other in root.parent.iterdir():
        try:
            served_there = (other / DATASET_FILE).read_text(encoding="utf-8").strip()
            if is_database_uri(served_there):
                used = max(p.stat().st_mtime for p in other.iterdir())
                gone = time.time() - used > UNUSED_DAYS * 86400
            else:
                gone = not Path(served_there).exists()
        except OSError:
            continue  # not a dataset's folder of entries (or being written)
        if other != root and gone:
            shutil.rmtree(other, ignore_errors=True)


def _remove_others(root: Path, keep: Path) -> None:
    """Drop older entries of the same dataset, all but the :data:`KEEP_OTHERS` most recently
    used (another rules file, another pso-chain version alternating do not rebuild each
    time); open mappings of removed ones stay valid until closed."""
    others = [p for p in root.iterdir() if p != keep and p.is_dir() and not p.name.startswith(".tmp-")]
    others.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for other in others[KEEP_OTHERS:]:
        shutil.rmtree(other, ignore_errors=True)


# ------------------------------------------------------------------------- reading


def _manifest(entry: Path) -> dict | None:
    try:
        manifest = json.loads((entry / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    return manifest if manifest.get("format") == FORMAT_VERSION else None


def _complete(entry: Path, verify: bool = False) -> bool:
    """Every file the manifest lists is there with its size (and its hash, with ``verify``)."""
    manifest = _manifest(entry)
    if manifest is None or manifest.get("key") != entry.name:
        return False
    for name, size in manifest["files"].items():
        try:
            if (entry / name).stat().st_size != size:
                return False
        except OSError:
            return False
        if verify and hash_file(entry / name) != manifest["hashes"][name]:
            return False
    return True


def _npy(path: Path, shape: list[int] | None = None) -> np.ndarray:
    arr = np.load(path, mmap_mode="r", allow_pickle=False)
    if shape is not None and list(arr.shape) != list(shape):
        raise ValueError(f"{path.name}: shape {arr.shape}, manifest says {shape}")
    return arr.view(np.ndarray)  # a plain array over the mapping (no copy)


def _load_frame(entry: Path, name: str, spec: dict, mapped: list) -> pd.DataFrame:
    """One table from its mapped files; every mapping opened is added to ``mapped``."""
    text = None
    cols = {}
    for col in spec["columns"]:
        if col["kind"] == "npy":
            arr = _npy(entry / f"{name}.{col['name']}.npy")
            if len(arr) != spec["rows"]:
                raise ValueError(f"{name}.{col['name']}: {len(arr)} rows, manifest says {spec['rows']}")
            cols[col["name"]] = arr
            mapped.append(arr)
        else:
            if text is None:
                text = ipc.open_file(pa.memory_map(str(entry / f"{name}.arrow"))).read_all()
                mapped.append(text)
            series = text.column(col["name"]).to_pandas()
            cols[col["name"]] = series.astype(object) if col.get("object") else series
    return pd.DataFrame(cols, copy=False)


def _load_problems(entry: Path) -> pd.DataFrame:
    """The validation problems as written (``value`` as text: it is only shown)."""
    table = ipc.open_file(pa.memory_map(str(entry / "problems.arrow"))).read_all()
    kinds = json.loads(table.schema.metadata[b"kinds"])
    frame = pd.DataFrame({c: table.column(c).to_pandas() for c in PROBLEM_COLUMNS})
    for col in PROBLEM_COLUMNS:
        if col != "row" and kinds[col] == "object":
            values = frame[col].astype(object)
            frame[col] = values.where(values.notna(), None)
    frame["row"] = frame["row"].astype("Int64")
    return frame


class CompiledNetwork(PurchaseNetwork):
    """A :class:`PurchaseNetwork` over a compiled entry: every column a mapped file, lookups
    of one organisation through row indices instead of passes over the network."""

    entry: Path
    _index: dict[str, np.ndarray]  # the compiled arrays (row orders, pointers), memory-mapped
    _id_column: pa.ChunkedArray  # org_ids in node order, for the binary search of node()
    _dates: np.ndarray  # purchase dates (datetime64), memory-mapped
    mapped: list  # every mapped array and Arrow table (for touch_pages)
    stored_provenance: Callable[[np.ndarray], dict[str, list[str]]] | None = None

    def node(self, org_id: str) -> int:
        """Binary search over the sorted org_ids (no hash index of a million strings)."""
        ids = self._id_column
        key = str(org_id)
        lo, hi = 0, len(ids)
        while lo < hi:
            mid = (lo + hi) // 2
            if ids[mid].as_py() < key:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(ids) and ids[lo].as_py() == key:
            return lo
        raise PsoInputError(Problem("organisations", None, "org_id", org_id,
                                    "no_organisation"))

    def nodes(self, org_ids) -> np.ndarray:
        """Binary searches for a few ids; for a few thousand (a buyer's suppliers) one scan of
        the id column probing a set of them; for a large share of the network one hash of
        the whole column."""
        org_ids = [str(o) for o in org_ids]
        if len(org_ids) <= 64:
            return np.asarray([self.node(o) for o in org_ids], dtype=np.int64)
        wanted = pa.array(sorted(set(org_ids)), type=pa.string())
        if len(wanted) * FEW_IDS_SHARE < self.n:
            at = np.flatnonzero(pc.is_in(self._id_column, value_set=wanted).to_numpy(zero_copy_only=False))
            found = dict(zip(self._id_column.take(pa.array(at)).to_pylist(), at.tolist(), strict=True))
            for org_id in org_ids:
                if org_id not in found:
                    self.node(org_id)  # raises, naming it
            return np.fromiter((found[o] for o in org_ids), dtype=np.int64, count=len(org_ids))
        idx = pc.index_in(pa.array(org_ids, type=pa.string()), value_set=self._id_column)
        found = idx.to_numpy(zero_copy_only=False)
        missing = idx.is_null().to_numpy(zero_copy_only=False)
        if missing.any():
            self.node(org_ids[int(np.flatnonzero(missing)[0])])  # raises, naming it
        return found.astype(np.int64)

    def row_days(self, rows: np.ndarray) -> np.ndarray:
        return to_days(self._dates[rows])

    def touch_pages(self) -> None:
        """Read one byte of every page of the mapped files, so that this process's page table
        maps them now: a buyer's rows and suppliers lie scattered over the arrays, and without
        this the first questions of a fresh process (a web worker) each fault in thousands of
        pages. With the files in the page cache, 4.5 GB take about 0.4 s."""
        for obj in self.mapped:
            data = ([obj.reshape(-1).view(np.uint8)] if isinstance(obj, np.ndarray) else
                    [np.frombuffer(buffer, dtype=np.uint8) for column in obj.columns
                     for chunk in column.chunks for buffer in chunk.buffers() if buffer is not None])
            for bytes_ in data:
                int(bytes_[::PAGE_BYTES].sum())


PAGE_BYTES = 4096


def read_compiled(entry: Path, rules: Rules) -> CompiledNetwork:
    """Open a compiled entry (raises ``ValueError``/``OSError`` when it is not usable)."""
    manifest = _manifest(entry)
    if manifest is None:
        raise ValueError(f"{entry}: no usable manifest")
    specs = manifest["tables"]
    mapped: list = []
    frames = {name: _load_frame(entry, name, specs[name], mapped) if name in specs else None
              for name in TABLES}
    arrays = {name: _npy(entry / f"{name}.npy", shape) for name, shape in manifest["arrays"].items()}
    mapped += arrays.values()
    report = ValidationReport(problems=_load_problems(entry))
    data = Dataset(organisations=frames["organisations"], purchases=frames["purchases"],
                   employees_records=frames["employees_records"],
                   certifications=frames["certifications"], report=report,
                   files=dict(manifest["sources"]))
    network = CompiledNetwork(data, rules)
    network.entry = entry
    network.mapped = mapped
    network._index = arrays
    network._dates = np.asarray(data.purchases["date"].to_numpy())
    # the ids straight from the mapped Arrow file (converting the pandas column costs seconds)
    network._id_column = ipc.open_file(pa.memory_map(str(entry / "organisations.arrow"))
                                       ).read_all().column("org_id")
    certs = CertificateIndex(arrays["cert_valid_from"], arrays["cert_valid_until"],
                             arrays["cert_level"], arrays["cert_eligible"], tuple(manifest["levels"]))
    prefill = {"eligible": arrays["eligible"], "certificates": certs,
               "_direct": (arrays["target_fte"], arrays["has_records"]),
               "years": np.asarray(manifest["years"], dtype=np.int64)}
    for name, value in prefill.items():  # what the network would otherwise derive again
        network.__dict__[name] = value
    if (entry / "provenance.arrow").exists():
        provenance = ipc.open_file(pa.memory_map(str(entry / "provenance.arrow"))).read_all()
        mapped.append(provenance)

        def stored_provenance(rows: np.ndarray) -> dict[str, list[str]]:
            at = pa.array(np.asarray(rows, dtype=np.int64))
            return {c: provenance.column(c).take(at).to_pylist() for c in provenance.column_names}

        network.stored_provenance = stored_provenance
    return network


# ---------------------------------------------------------------------------- opening


def open_compiled(folder: str | Path, rules: Rules | str | Path | None = None, *,
                  cache_dir: str | Path | None = None, settings: Settings | None = None,
                  rebuild: bool = False, verify: bool = False, say: Say | None = _stderr
                  ) -> PurchaseNetwork:
    """The dataset's compiled network, built first when missing or stale.

    It lives in ``cache_dir``, else ``settings.compiled_root`` (the user's cache folder; see
    :func:`~pso_chain.core.compiled_key.cache_root`), never in the dataset folder.
    ``rebuild`` builds anew whatever is there; ``verify`` rechecks every file's hash of an
    existing entry. Building means reading and validating the tables (errors raise
    :class:`PsoInputError` and nothing is written); ``say`` gets one line saying so.
    A folder where nothing can be written still works: the network is returned uncompiled.
    """
    rules = rules if isinstance(rules, Rules) else load_rules(rules)
    entry = cache_root(folder, cache_dir, settings) / cache_key(folder, rules)
    network = None if rebuild else reuse_entry(entry, rules, verify)
    return network if network is not None else build_compiled(folder, rules, entry, say=say)


def reuse_entry(entry: Path, rules: Rules, verify: bool = False) -> CompiledNetwork | None:
    """The entry mapped when it is complete and readable (marked most recently used); None
    when it must be built (missing, damaged)."""
    if not _complete(entry, verify):
        return None
    try:
        network = read_compiled(entry, rules)
    except (OSError, ValueError, KeyError, pa.ArrowException):
        return None  # damaged: to be rebuilt
    try:
        os.utime(entry)  # most recently used: kept longest
    except OSError:
        pass
    return network


def build_compiled(folder: str | Path, rules: Rules, entry: Path, say: Say | None = _stderr
                   ) -> PurchaseNetwork:
    """Read, validate and write the compiled entry; returns the network just read."""
    start = time.perf_counter()
    if say:
        say(f"compiling {folder} into {entry.parent} (once per change of the data or rules) ...")
    network = load_network(folder, rules)
    store_entry(network, entry, folder, start, say)
    return network


def store_entry(network: PurchaseNetwork, entry: Path, served: str | Path, start: float,
                say: Say | None = _stderr) -> bool:
    """Write ``network`` as ``entry`` (a damaged one there first moved out of the way), then
    the housekeeping of its folder; False when nothing could be written (a read-only place:
    the caller works without the compiled network). ``served``: the dataset folder or the
    database URI (without credentials) the entry was read from."""
    if entry.exists():  # damaged, or a rebuild was asked for: out of the way first
        try:
            os.rename(entry, Path(tempfile.mkdtemp(prefix=".tmp-old-", dir=entry.parent)) / "x")
        except OSError:
            pass
        _remove_temporary(entry.parent)
    try:
        write_compiled(network, entry, entry.name)
        _remove_others(entry.parent, entry)
        _remove_gone_datasets(entry.parent, served)
    except OSError as exc:  # a read-only place: work without the compiled network
        if say:
            say(f"could not write the compiled network ({exc}); continuing without it")
        return False
    if say:
        say(f"compiled network written to {entry} in {time.perf_counter() - start:.1f} s")
    return True
