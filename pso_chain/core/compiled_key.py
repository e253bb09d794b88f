"""The compiled network's key and place: which entry belongs to a dataset, its rules and the
engine code (see :mod:`pso_chain.core.compiled` for what an entry holds and why it is never stale).
"""

from __future__ import annotations

import dataclasses
import json
import mmap
import os
from functools import cache
from pathlib import Path

import numpy as np
import xxhash

from pso_chain.config import Settings
from pso_chain.errors import Problem, PsoInputError
from pso_chain.loaders import find_table
from pso_chain.rules import Rules

FORMAT_VERSION = 1
TABLES = ("organisations", "purchases", "employees_records", "certifications")
# the modules whose code decides what a compiled network holds
_CODE = ("core/compiled.py", "core/compiled_key.py", "core/network.py", "core/certification.py",
         "core/parsing.py", "core/rules.py", "validate")


def hash_file(path: Path) -> str:
    """xxh3-128 of a file's bytes, hashed through a read-only mapping (no copies: reading
    into fresh buffers costs more than the hash here)."""
    h = xxhash.xxh3_128()
    with open(path, "rb") as fh:
        if os.fstat(fh.fileno()).st_size:
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                h.update(mapped)
    return h.hexdigest()


@cache
def _code_fingerprint() -> str:
    """Hash of the engine's own source files: other code, other compiled network."""
    here = Path(__file__).resolve().parents[1]  # the package folder
    roots = [here / name for name in _CODE]
    try:
        import pso_chain.loaders as loaders

        roots.append(Path(loaders.__file__).resolve().parent)
    except ImportError:  # pragma: no cover - the loaders ship with the package
        pass
    h = xxhash.xxh3_128()
    for root in roots:
        files = sorted(root.rglob("*.py")) if root.is_dir() else [root] if root.exists() else []
        for f in files:
            h.update(f.name.encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def _rules_fingerprint(rules: Rules) -> str:
    """Every value of the rules (not only their version: an edited file may keep it)."""
    values = {}
    for f in dataclasses.fields(rules):
        if f.name == "source_file":
            continue
        v = getattr(rules, f.name)
        if isinstance(v, tuple) and v and isinstance(v[0], np.ndarray):
            v = [a.tolist() for a in v]
        elif isinstance(v, np.ndarray):
            v = v.tolist()
        values[f.name] = v
    return xxhash.xxh3_128(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def table_files(folder: str | Path) -> dict[str, Path]:
    """The table files of a dataset folder (as the loaders find them)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise PsoInputError(Problem(str(folder), None, None, None, "dataset folder not found"))
    found = {name: find_table(folder, name) for name in TABLES}
    return {name: path for name, path in found.items() if path is not None}


def cache_key(folder: str | Path, rules: Rules) -> str:
    """The name of a dataset's compiled network: a hash of the tables' content, the rules,
    the engine code and the format (see the module docstring)."""
    h = xxhash.xxh3_128()
    h.update(f"format {FORMAT_VERSION}\ncode {_code_fingerprint()}\n".encode())
    h.update(f"rules {_rules_fingerprint(rules)}\n".encode())
    for name, path in sorted(table_files(folder).items()):
        h.update(f"{name} {path.name} {hash_file(path)}\n".encode())
    return h.hexdigest()


def content_hash(folder: str | Path, rules: Rules) -> str:
    """A hash of a dataset folder's tables (file names and every byte) and the rules, without
    the engine code: what ``pso-chain neo4j load`` stamps on the database it loaded."""
    h = xxhash.xxh3_128()
    h.update(f"rules {_rules_fingerprint(rules)}\n".encode())
    for name, path in sorted(table_files(folder).items()):
        h.update(f"{name} {path.name} {hash_file(path)}\n".encode())
    return h.hexdigest()


def database_key(state: str, rules: Rules, code: str = "") -> str:
    """The name of a database's compiled network: a hash of its state as read (the load's
    stamp, the counts, the last transaction; see :mod:`pso_chain.neo4jdb.cached`), the rules,
    the engine code (plus ``code``: the reader's own) and the format."""
    h = xxhash.xxh3_128()
    h.update(f"format {FORMAT_VERSION}\ncode {_code_fingerprint()} {code}\n".encode())
    h.update(f"rules {_rules_fingerprint(rules)}\ndatabase {state}\n".encode())
    return h.hexdigest()


def database_root(where: str, cache_dir: str | Path | None = None,
                  settings: Settings | None = None) -> Path:
    """Where a database's compiled networks live: one sub-folder (``neo4j-`` and a hash of its
    URI without credentials, and its database name) of the same base as the folders'."""
    base = Path(cache_dir).expanduser() if cache_dir else (settings or Settings()).compiled_root
    return base / f"neo4j-{xxhash.xxh3_64(where.encode()).hexdigest()}"


def cache_root(folder: str | Path, cache_dir: str | Path | None = None,
               settings: Settings | None = None) -> Path:
    """Where a dataset's compiled networks live: one sub-folder per dataset path (its name and a
    hash of its absolute path) of ``cache_dir``, else of ``settings.compiled_root`` (the user's
    cache folder, ``~/.cache/pso-chain/compiled`` on Linux). Never inside the dataset folder:
    a read-only or shared data folder works, and a user's data folder stays as it was."""
    base = Path(cache_dir).expanduser() if cache_dir else (settings or Settings()).compiled_root
    folder = Path(folder).resolve()
    tag = xxhash.xxh3_64(str(folder).encode()).hexdigest()
    return base / f"{folder.name}-{tag}"
