"""The packaged Cypher statements: ``queries/*.cypher`` read, their parameters declared, filled
and checked, and run.

Each query file holds one statement and a header naming its parameters::

    // may_supply: what it selects
    // params:
    //   $lo :: date                       first day
    //   $eligible_levels :: list<string>  (rules) certificate levels that count

Parameters marked ``(rules)`` are filled from the rules file (:func:`rule_params`), so a query
selects with the same rules as the in-memory engine; the others come from the caller. The
top-level files are the look-ups a user runs (``pso-chain neo4j query``); ``queries/source/``
holds what the verbs on a URI read (:mod:`~pso_chain.neo4jdb.source`), ``queries/load/`` what
the loader writes (the data, and the engine's scores). No query computes a score: the engine
does, in Python. No Cypher lives in Python strings.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pandas as pd

from pso_chain.config import Settings
from pso_chain.errors import Problem, PsoInputError
from pso_chain.neo4jdb.connect import Connection, connect
from pso_chain.rules import Rules, load_rules

QUERY_PACKAGE = "pso_chain.queries"
_PARAM_LINE = re.compile(r"^//\s+\$(\w+)\s*::\s*(\S+)\s*(.*)$")


@dataclass(frozen=True)
class Param:
    """One declared query parameter: its name, type (``integer``, ``list<string>|null``, ...)
    and whether the rules file supplies it."""

    name: str
    type: str
    doc: str

    @property
    def from_rules(self) -> bool:
        return self.doc.startswith("(rules)")

    @property
    def nullable(self) -> bool:
        return self.type.endswith("|null")


@dataclass(frozen=True)
class CypherQuery:
    """A query file: its name, first header line, declared parameters and text."""

    name: str
    summary: str
    params: tuple[Param, ...]
    text: str

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def query_names(folder: str | None = None) -> list[str]:
    """Names of the packaged queries (file names without ``.cypher``), sorted: the top-level
    ones (what ``pso-chain neo4j queries`` lists), or those of a subfolder (``source``,
    ``load``: the statements the reader and the loader run) as ``folder/name``."""
    root = resources.files(QUERY_PACKAGE)
    if folder is not None:
        root = root.joinpath(folder)
    prefix = f"{folder}/" if folder else ""
    return sorted(prefix + f.name[: -len(".cypher")] for f in root.iterdir()
                  if f.name.endswith(".cypher"))


INTERNAL_FOLDERS = ("source", "load")


def all_query_names() -> list[str]:
    """Every packaged query: the top-level ones and those of the internal folders."""
    return query_names() + [n for folder in INTERNAL_FOLDERS for n in query_names(folder)]


@cache
def load_query(name: str) -> CypherQuery:
    """Read ``queries/NAME.cypher`` from the installed package and parse its header."""
    if name not in all_query_names():
        raise PsoInputError(Problem("queries", None, None, name,
                                    f"no such query (known: {', '.join(query_names())})"))
    text = resources.files(QUERY_PACKAGE).joinpath(f"{name}.cypher").read_text(encoding="utf-8")
    header = [line.strip() for line in text.splitlines() if line.strip().startswith("//")]
    params = tuple(Param(m[1], m[2], m[3].strip()) for m in map(_PARAM_LINE.match, header) if m)
    summary = header[0].lstrip("/ ").strip() if header else name
    return CypherQuery(name, summary, params, text)


def rule_params(rules: Rules) -> dict:
    """Every rules-derived query parameter, by name (lists and maps of plain Python values)."""
    return {
        "eligible_levels": list(rules.eligible_levels),
        "all_levels": list(rules.all_levels),
        "max_indirect_share": float(rules.max_indirect_share),
        "norm_sizes": [float(v) for v in rules.norm_sizes],
        "norm_trede1": [float(v) for v in rules.norm_trede[0]],
        "norm_trede2": [float(v) for v in rules.norm_trede[1]],
        "norm_trede3": [float(v) for v in rules.norm_trede[2]],
        "pso30plus_direct_pct": float(rules.pso30plus_direct_pct),
        "start_position_weights": dict(rules.start_position_weights),
        "contract_type_weights": dict(rules.contract_type_weights),
        "months_per_year": float(rules.months_per_year),
    }


def parameters(query: CypherQuery, rules: Rules, given: dict) -> dict:
    """The full parameter map of ``query``: rules parameters plus ``given``; an error naming
    any unknown or missing parameter."""
    unknown = sorted(set(given) - {p.name for p in query.params})
    if unknown:
        raise PsoInputError(Problem(f"queries/{query.name}.cypher", None, None, ", ".join(unknown),
                                    "unknown parameter (declared: "
                                    + ", ".join(p.name for p in query.params) + ")"))
    from_rules = rule_params(rules)
    out = {}
    for p in query.params:
        if p.name in given:
            out[p.name] = given[p.name]
        elif p.from_rules:
            out[p.name] = from_rules[p.name]
        elif p.nullable:
            out[p.name] = None
        else:
            raise PsoInputError(Problem(f"queries/{query.name}.cypher", None, None, p.name,
                                        f"parameter ${p.name} ({p.type}) is required: {p.doc}"))
    return out


def parse_param(query: CypherQuery, text: str) -> tuple[str, object]:
    """``key=value`` from the command line, converted to the type the header declares."""
    key, sep, raw = text.partition("=")
    key = key.strip().lstrip("$")
    param = query.param(key)
    if not sep or param is None:
        raise PsoInputError(Problem("--param", None, None, text,
                                    "use NAME=VALUE with a declared parameter ("
                                    + ", ".join(p.name for p in query.params) + ")"))
    kind = param.type.removesuffix("|null")
    try:
        if param.nullable and raw.strip().lower() in ("", "null"):
            return key, None
        if kind == "integer":
            return key, int(raw)
        if kind == "float":
            return key, float(raw)
        if kind == "boolean":
            return key, raw.strip().lower() in ("true", "1", "yes", "ja")
        if kind == "string":
            return key, raw
        if kind == "date":
            return key, pd.Timestamp(raw.strip()).date()
        if kind.startswith(("list", "map")):
            value = json.loads(raw)
            if kind.startswith("list") and not isinstance(value, list):
                value = [value]
            return key, value
    except ValueError:
        pass
    raise PsoInputError(Problem("--param", None, key, raw, f"not a valid {param.type}"))


def fetch(conn: Connection, name: str, rules: Rules, **given) -> pd.DataFrame:
    """Run packaged query ``name`` (a read transaction) and return its rows as a DataFrame."""
    query = load_query(name)
    params = parameters(query, rules, given)

    def work(tx):
        result = tx.run(query.text, params)
        keys = list(result.keys())
        return pd.DataFrame(result.values(), columns=keys)

    with conn.session() as session:
        return session.execute_read(work)


def run_query(uri: str, name: str, rules: Rules | None = None, *, settings: Settings | None = None,
              **given) -> pd.DataFrame:
    """Run one packaged query against the database at ``uri`` (rules parameters filled in)."""
    rules = rules if isinstance(rules, Rules) else load_rules(rules)
    with connect(uri, settings) as conn:
        return fetch(conn, name, rules, **given)
