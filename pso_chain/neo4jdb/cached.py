"""A Neo4j database opened like a folder: its compiled network, keyed by the database's state.

The verbs on a URI run on the same compiled network as a folder's (:mod:`pso_chain.core.compiled`:
memory-mapped files in the user's cache folder), built once by reading every row the way a
folder is read (:func:`pso_chain.neo4jdb.source.load_network`: the tables streamed out of the
graph, validated, checked) and reused while the database is unchanged. So after the first call
a verb costs what it costs on the folder, plus one cheap query.

The database's state is read in one query (``queries/source/stamp.cypher``): the stamp the last
load wrote on the ``:PsoDataset`` node (a hash of the tables and rules it loaded,
``queries/load/stamp_write.cypher``), whether that load finished, and the number of nodes and
relationships of each kind (Neo4j's count store: no scan). With it comes the bookmark the
server returns for that read, which names the last transaction committed to the database: any
write that changes something — another load, a Cypher ``SET`` on one amount by someone else —
changes it.
The entry's key is a hash of all that, the rules, the engine's code and the reader's code
(:func:`pso_chain.core.compiled_key.database_key`), so a changed database gets a new entry (a
line on stderr says so) and answers follow the database. The state is read again after the
rows: when a write came in between, the rows are read again (nothing is stored from a read
that straddles a write).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import xxhash

from pso_chain.config import Settings
from pso_chain.core.compiled import reuse_entry, store_entry
from pso_chain.core.compiled_key import database_key, database_root
from pso_chain.core.network import PurchaseNetwork
from pso_chain.neo4jdb import source
from pso_chain.neo4jdb.connect import Connection, connect
from pso_chain.neo4jdb.model import DATASET_KEY
from pso_chain.neo4jdb.queries import load_query
from pso_chain.rules import Rules

READ_ATTEMPTS = 3  # reads of every row while the database keeps changing under them

Held = tuple[Path, PurchaseNetwork]  # an entry and the network opened from it (or just read)


def _say(message: str) -> None:
    """Progress goes to the ``pso_chain`` logger (the command line shows it on stderr)."""
    logging.getLogger("pso_chain").info(message)


@dataclass(frozen=True)
class State:
    """What identifies the database's content: where it is, the last load's stamp, counts, and
    the bookmark of the last committed transaction (empty when the server gives none)."""

    where: str
    stamp: str | None
    complete: bool | None
    counts: tuple[tuple[str, int], ...]
    bookmark: tuple[str, ...]

    def text(self) -> str:
        return json.dumps({"where": self.where, "stamp": self.stamp, "complete": self.complete,
                           "counts": dict(self.counts), "bookmark": list(self.bookmark)},
                          sort_keys=True)


def read_state(conn: Connection) -> State:
    """The database's state in one read (``queries/source/stamp.cypher``) and its bookmark."""
    records, bookmark = conn.read_marked(load_query("source/stamp").text, key=DATASET_KEY)
    found = dict(records[0])
    stamp, complete = found.pop("stamp"), found.pop("complete")
    target = conn.target
    where = target.uri if target.database is None else f"{target.uri} (database {target.database})"
    return State(where, stamp, complete, tuple(sorted((k, int(v)) for k, v in found.items())),
                 bookmark)


@cache
def _reader_code() -> str:
    """Hash of the code that turns the graph back into tables (other code, other entry)."""
    return xxhash.xxh3_64(Path(source.__file__).read_bytes()).hexdigest()


def entry_of(state: State, rules: Rules, cache_dir: str | Path | None = None,
             settings: Settings | None = None) -> Path:
    """The compiled entry of the database in ``state`` under ``rules``."""
    return database_root(state.where, cache_dir, settings) / database_key(state.text(), rules,
                                                                         _reader_code())


def current(uri: str, rules: Rules, settings: Settings | None = None, *,
            cache_dir: str | Path | None = None, held: Held | None = None, rebuild: bool = False,
            say=_say) -> Held:
    """The database at ``uri`` as it is now, as a network: ``held`` when it is still the entry
    of the database's state, else that entry mapped, else every row read, validated and written
    as that entry. Returns the entry and the network."""
    with connect(uri, settings, keep=True) as conn:
        state = read_state(conn)
    entry = entry_of(state, rules, cache_dir, settings)
    if held is not None and held[0] == entry and not rebuild:
        return held
    mapped = None if rebuild else reuse_entry(entry, rules)
    if mapped is not None:
        return entry, mapped
    network: PurchaseNetwork | None = None
    for _ in range(READ_ATTEMPTS):
        start = time.perf_counter()
        if say:
            say(f"compiling {state.where} into {entry.parent} (once per change of the database) ...")
        network = source.load_network(uri, rules, settings)
        with connect(uri, settings, keep=True) as conn:
            after = read_state(conn)
        if after == state:
            stored = store_entry(network, entry, state.where, start, say)
            mapped = reuse_entry(entry, rules) if stored else None  # as every later open
            return entry, network if mapped is None else mapped
        state, entry = after, entry_of(after, rules, cache_dir, settings)
    if say:
        say(f"{state.where} changed while it was read, {READ_ATTEMPTS} times: "
            "answering from the last read, nothing compiled")
    assert network is not None
    return Path(), network  # no entry: the next call reads the state (and the rows) again
