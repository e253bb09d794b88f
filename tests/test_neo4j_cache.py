"""The compiled network of a database, the parts that need no server: its key follows the
database's state and the rules, its entries live beside the folders' without being taken for a
vanished folder, and the cache can be switched off (then each verb selects its rows).
The server-side behaviour (a second open maps, a write outside rebuilds) is in
``tests/test_neo4j_parity.py``."""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path

import pso_chain
from pso_chain.config import Settings
from pso_chain.core.compiled import DATASET_FILE, UNUSED_DAYS, open_compiled
from pso_chain.core.compiled_key import content_hash, database_key, database_root
from pso_chain.neo4jdb.cached import State, entry_of
from pso_chain.rules import load_rules
from tests.datasets import random_tables, write_tables

URI = "bolt://127.0.0.1:7687"


def _state(**changes) -> State:
    values = {"where": URI, "stamp": "abc", "complete": True,
              "counts": (("organisations", 3), ("purchases", 5)), "bookmark": ("FB:1",)}
    return State(**{**values, **changes})


def test_the_key_follows_the_state_and_the_rules(tmp_path):
    rules = load_rules()
    base = entry_of(_state(), rules, tmp_path)
    assert entry_of(_state(), rules, tmp_path) == base  # the same state: the same entry
    for change in ({"stamp": "abd"}, {"complete": False}, {"bookmark": ("FB:2",)},
                   {"counts": (("organisations", 3), ("purchases", 6))},
                   {"where": "bolt://127.0.0.1:7688"}):
        assert entry_of(_state(**change), rules, tmp_path).name != base.name, change
    other_rules = dataclasses.replace(rules, max_indirect_share=rules.max_indirect_share / 2)
    assert entry_of(_state(), other_rules, tmp_path).name != base.name
    assert database_key("x", rules) != database_key("x", rules, code="other reader")
    # one folder per URI and database, beside the folders' (never the URI's password)
    assert base.parent == database_root(URI, tmp_path)
    assert database_root(URI + " (database pso)", tmp_path) != base.parent
    assert base.parent.parent == tmp_path and base.parent.name.startswith("neo4j-")


def test_the_load_stamp_is_the_tables_and_rules(tmp_path):
    folder = write_tables(tmp_path / "a", **random_tables(1, 10, 30))
    rules = load_rules()
    stamp = content_hash(folder, rules)
    assert content_hash(folder, rules) == stamp
    again = write_tables(tmp_path / "b", **random_tables(1, 10, 30))
    assert content_hash(again, rules) == stamp  # the content, not the place
    other = write_tables(tmp_path / "c", **random_tables(2, 10, 30))
    assert content_hash(other, rules) != stamp


def test_a_folder_compile_keeps_a_databases_entries_until_unused(tmp_path):
    """A database's sub-folder names a URI, not a folder: a folder's housekeeping must not take
    it for a vanished dataset folder; it goes once unused for UNUSED_DAYS."""
    cache = tmp_path / "cache"
    recent, stale = database_root(URI, cache), database_root("bolt://h:1", cache)
    for root, served in ((recent, URI), (stale, "bolt://h:1")):
        (root / "entry").mkdir(parents=True)
        (root / DATASET_FILE).write_text(served, encoding="utf-8")
    old = time.time() - (UNUSED_DAYS + 1) * 86400
    for path in (stale / "entry", stale / DATASET_FILE):
        os.utime(path, (old, old))
    folder = write_tables(tmp_path / "d", **random_tables(3, 10, 30))
    open_compiled(folder, cache_dir=cache, say=None)
    assert recent.is_dir() and not stale.exists()


def test_the_cache_can_be_switched_off():
    assert pso_chain.open(URI).cached  # the default, as for a folder
    assert not pso_chain.open(URI, cache=False).cached
    assert not pso_chain.open(URI, settings=Settings(cache=False)).cached
    assert pso_chain.open(URI, cache=True, settings=Settings(cache=False)).cached
    assert pso_chain.open(URI, cache_dir=Path("/x")).cache_dir == Path("/x")
