"""The PSO verbs computed in Cypher: ``queries/*.cypher`` run against Neo4j, same frames out.

Each query file holds one query and a header naming its parameters::

    // credits: what it computes
    // params:
    //   $year :: integer              reference year
    //   $eligible_levels :: list<string>   (rules) certificate levels that count

Parameters marked ``(rules)`` are filled from the rules file (:func:`rule_params`), so a query
computes with the same rules as the in-memory engine; the others come from the caller. The
``*_cypher`` functions return exactly what their in-memory counterparts return.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

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


def query_names() -> list[str]:
    """Names of the packaged queries (file names without ``.cypher``), sorted."""
    files = resources.files(QUERY_PACKAGE).iterdir()
    return sorted(f.name[: -len(".cypher")] for f in files if f.name.endswith(".cypher"))


@cache
def load_query(name: str) -> CypherQuery:
    """Read ``queries/NAME.cypher`` from the installed package and parse its header."""
    if name not in query_names():
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


def run_query(uri: str, name: str, rules: Rules | None = None, **given) -> pd.DataFrame:
    """Run one packaged query against the database at ``uri`` (rules parameters filled in)."""
    rules = rules if isinstance(rules, Rules) else load_rules(rules)
    with connect(uri) as conn:
        return fetch(conn, name, rules, **given)


def resolve_year(conn: Connection, rules: Rules, year: int | None) -> int:
    """``year``, or the latest purchase year in the database (as ``network.resolve_year``)."""
    if year is not None:
        return int(year)
    latest = fetch(conn, "latest_year", rules)["year"].iat[0]
    if latest is None or pd.isna(latest):
        raise conn.target.fail("there are no purchases")
    return int(latest)


# --- credits ---------------------------------------------------------------------------------
def _credits_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """Typed like :func:`pso_chain.scoring.credits`: floats, Int64 trede, bools, sorted."""
    from pso_chain.scoring import CREDIT_COLUMNS

    out = rows.sort_values("org_id", kind="stable").reset_index(drop=True)
    for col in ("fte", "target_fte", "direct_pct", "indirect_fte", "indirect_pct",
                "indirect_counted_pct", "total_pct", "norm_trede1", "norm_trede2", "norm_trede3"):
        out[col] = out[col].astype(float)
    out["year"] = out["year"].astype(np.int64)
    out["employees"] = out["employees"].astype(np.int64)
    out["trede"] = pd.array(out["trede"].tolist(), dtype="Int64")
    out["cap_applied"] = out["cap_applied"].astype(bool)
    out["pso30plus"] = out["pso30plus"].astype(bool)
    out["org_id"] = out["org_id"].astype("str")
    out["name"] = out["name"].astype("str")
    return out[CREDIT_COLUMNS]


ROW_SPAN = "MATCH (o:Organisation) RETURN min(o.row) AS low, max(o.row) AS high, count(o) AS n"


def check_rows(conn: Connection) -> None:
    """The organisations' ``row`` keys must be consecutive (the queries keep per-organisation
    figures in lists indexed by row, as the loader writes them)."""
    span = conn.read(ROW_SPAN)[0]
    if span["n"] == 0:
        raise conn.target.fail("no pso-chain dataset in this database "
                               "(load one with `pso-chain neo4j load DATASET --uri URI`)")
    if span["low"] is None or span["high"] - span["low"] + 1 != span["n"]:
        raise conn.target.fail("Organisation.row values are not consecutive: load the dataset "
                               "again with `pso-chain neo4j load --replace`")


def _credits(conn: Connection, year: int, rules: Rules, org_ids=None) -> pd.DataFrame:
    check_rows(conn)
    rows = fetch(conn, "credits", rules, year=int(year), org_ids=org_ids)
    return _credits_frame(rows)


def credits_cypher(uri: str, year: int | None, rules: Rules | None = None) -> pd.DataFrame:
    """:func:`pso_chain.scoring.credits` computed in Cypher (``queries/credits.cypher``)."""
    rules = rules if isinstance(rules, Rules) else load_rules(rules)
    with connect(uri) as conn:
        return _credits(conn, resolve_year(conn, rules, year), rules)


# --- explain ---------------------------------------------------------------------------------
def _plain(value):
    """Driver values as the in-memory explanation holds them (dates as ISO text)."""
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value


PERSON_KEYS = ("row", "person_id", "start_position", "start_position_weight", "contract_type",
               "contract_weight", "hours_per_week", "fulltime_hours", "months", "weighted_fte")


def explain_cypher(uri: str, org_id: str, year: int | None = None,
                   rules: Rules | None = None) -> dict:
    """:func:`pso_chain.explanation.explain` with every number computed in Cypher: the
    organisation and its persons, each purchase (counted or not, and why) and the score."""
    from pso_chain.explanation import _certified_level, _norm_rows

    rules = rules if isinstance(rules, Rules) else load_rules(rules)
    with connect(uri) as conn:
        year = resolve_year(conn, rules, year)
        org = fetch(conn, "explain_organisation", rules, org_id=str(org_id))
        if org.empty:
            raise PsoInputError(Problem("organisations", None, "org_id", org_id,
                                        "no organisation with this org_id"))
        purchases = fetch(conn, "explain_purchases", rules, org_id=str(org_id), year=year)
        score = _credits(conn, year, rules, org_ids=[str(org_id)]).iloc[0]
        own = _neighbourhood_network(conn, rules, str(org_id), year, [])  # its certificates
    o = org.iloc[0]
    persons = [{k: _plain(p[k]) for k in PERSON_KEYS} for p in o["persons"]]
    for p in persons:
        p["months"] = float(p["months"])
    direct: dict = {"target_fte": float(score["target_fte"]), "fte": float(o["fte"])}
    if persons:
        direct["source"] = ("employees_records (weight = start position x contract"
                            " x hours/fulltime x months/12)")
    else:
        direct["source"] = "target_fte column of organisations"
    direct["persons"] = persons
    entries = []
    for p in purchases.to_dict(orient="records"):
        entry = {"row": int(p["row"]), "supplier_id": p["supplier_id"],
                 "supplier_name": p["supplier_name"],
                 "date": None if pd.isna(p["date"]) else str(p["date"]),
                 "amount_eur": float(p["amount_eur"]), "counted": bool(p["counted"]),
                 "reason": p["reason"]}
        if entry["counted"]:
            entry["supplier_revenue_eur"] = float(p["supplier_revenue_eur"])
            entry["supplier_target_fte"] = float(p["supplier_target_fte"])
        entry["indirect_fte"] = float(p["indirect_fte"])
        entries.append(entry)
    employees = int(o["employees"])
    trede = None if pd.isna(score["trede"]) else int(score["trede"])
    total = float(score["total_pct"])
    norms = [float(score[f"norm_trede{t}"]) for t in (1, 2, 3)]
    if not o["qualitative_ok"]:
        trede_reason = "qualitative checklist not passed: no trede whatever the numbers"
    elif trede is None:
        trede_reason = f"total {total:.4f}% is below the trede 1 norm {norms[0]:.4f}%"
    else:
        trede_reason = f"total {total:.4f}% meets the trede {trede} norm {norms[trede - 1]:.4f}%"
    direct_pct = float(score["direct_pct"])
    return {
        "org_id": o["org_id"], "name": o["name"], "year": year,
        "rules": {"version": rules.version, "file": rules.source_file},
        "organisation": {
            "employees": employees, "fte": float(o["fte"]), "sw": bool(o["sw"]),
            "pso_level": o["pso_level"], "qualitative_ok": bool(o["qualitative_ok"]),
            "municipality": o["municipality"], "sbi": o["sbi"],
        },
        "direct": {**direct, "direct_pct": direct_pct, "formula": "100 * target_fte / fte"},
        "purchases": entries,
        "indirect": {
            "indirect_fte": float(score["indirect_fte"]),
            "counted_purchases": int(sum(e["counted"] for e in entries)),
            "formula": "indirect_pct = 100 * indirect_fte / (fte + indirect_fte)",
            "indirect_pct": float(score["indirect_pct"]),
            "max_indirect_share": rules.max_indirect_share,
            "cap_pct": direct_pct * rules.max_indirect_ratio,
            "indirect_counted_pct": float(score["indirect_counted_pct"]),
            "cap_applied": bool(score["cap_applied"]),
        },
        "total_pct": total,
        "norms": {**_norm_rows(_RulesOnly(rules), employees), "employees": employees,
                  "norm_trede1": norms[0], "norm_trede2": norms[1], "norm_trede3": norms[2]},
        "trede": trede, "trede_reason": trede_reason,
        "pso30plus": bool(score["pso30plus"]),
        "certified_level": _certified_level(own, own.node(str(org_id)), year, trede or 0, total,
                                            np.asarray(norms)),
        "fee": {"band": rules.fee_band(employees), "eur_per_year": float(rules.fee([employees])[0])},
    }


@dataclass(frozen=True)
class _RulesOnly:
    """What :func:`pso_chain.explanation._norm_rows` reads of a network: its rules."""

    rules: Rules


# --- suppliers -------------------------------------------------------------------------------
def _level_index(rules: Rules, level: str | None, option: str) -> None:
    if level is not None and level not in rules.all_levels:
        raise PsoInputError(Problem(option, None, None, level,
                                    f"use one of {', '.join(rules.all_levels)}"))


def _organisation(conn: Connection, rules: Rules, org_id: str) -> pd.Series:
    """One organisation's own figures (an error naming it when it is unknown)."""
    found = fetch(conn, "explain_organisation", rules, org_id=str(org_id))
    if found.empty:
        raise PsoInputError(Problem("organisations", None, "org_id", org_id,
                                    "no organisation with this org_id"))
    return found.iloc[0]


def _scores_for(rules: Rules, buyer: pd.Series, score: pd.Series, indirect) -> dict:
    """The scoring kernel for one buyer under each candidate indirect FTE value."""
    from pso_chain.scoring import score_arrays

    indirect = np.atleast_1d(np.asarray(indirect, dtype=float))
    m = len(indirect)
    return score_arrays(rules, np.full(m, float(score["fte"])), np.full(m, float(score["target_fte"])),
                        indirect, np.full(m, int(score["employees"])),
                        np.full(m, bool(buyer["qualitative_ok"])))


def suppliers_cypher(uri: str, on, *, sbi: str | None = None,
                     municipality: str | Sequence[str] | None = None,
                     min_level: str | None = None, for_org: str | None = None,
                     year: int | None = None, gain_per_eur: float = 100_000.0,
                     rules: Rules | None = None) -> pd.DataFrame:
    """:func:`pso_chain.buyers.suppliers.eligible_suppliers` computed in Cypher
    (``queries/suppliers.cypher``); with ``for_org`` the gain columns follow from that buyer's
    score (``credits.cypher``) and the scoring kernel."""
    from pso_chain.buyers.suppliers import SUPPLIER_COLUMNS

    rules = rules if isinstance(rules, Rules) else load_rules(rules)
    _level_index(rules, min_level, "--min-level")
    day = pd.Timestamp(on).date()
    wanted = [municipality] if isinstance(municipality, str) else list(municipality or [])
    with connect(uri) as conn:
        buyer = _organisation(conn, rules, for_org) if for_org else None
        for name in wanted:
            _check_municipality(conn, rules, name, "--municipality")
        rows = fetch(conn, "suppliers", rules, on=day, sbi=str(sbi) if sbi else None,
                     municipalities=[m.strip().casefold() for m in wanted] or None,
                     min_level=min_level,
                     exclude=str(for_org) if for_org else None)
        if buyer is not None:
            year = resolve_year(conn, rules, year)
            score = _credits(conn, year, rules, org_ids=[str(for_org)]).iloc[0]
    meur = rows["yield_fte_per_meur"].astype(float)
    order = np.lexsort((rows["org_id"].astype(str).to_numpy(),
                        np.where(np.isnan(meur), np.inf, -meur)))
    rows = rows.iloc[order].reset_index(drop=True)
    frame = pd.DataFrame({
        "org_id": rows["org_id"].astype(object).to_numpy(),
        "name": rows["name"].astype(object).to_numpy(),
        "level": rows["level"].astype(object).to_numpy(),
        "sw": rows["sw"].astype(bool).to_numpy(),
        "valid_until": pd.to_datetime(rows["valid_until"], format="%Y-%m-%d")
                         .astype("datetime64[s]").to_numpy(),
        "sbi": rows["sbi"].astype(object).to_numpy(),
        "delivers": rows["delivers"].astype(object).to_numpy(),
        "municipality": rows["municipality"].astype(object).to_numpy(),
        "postcode": rows["postcode"].astype(object).to_numpy(),
        "revenue_eur": rows["revenue_eur"].astype(float).to_numpy(),
        "target_fte": rows["target_fte"].astype(float).to_numpy(),
        "yield_fte_per_meur": rows["yield_fte_per_meur"].astype(float).to_numpy(),
    }, columns=SUPPLIER_COLUMNS)
    if buyer is None:
        return frame
    now_fte = float(score["indirect_fte"])
    now = _scores_for(rules, buyer, score, now_fte)
    per_eur = rows["yield_per_eur"].astype(float).to_numpy()
    after = _scores_for(rules, buyer, score, now_fte + gain_per_eur * per_eur)
    trede = pd.array(after["trede"], dtype="Int64")
    trede[after["trede"] == 0] = pd.NA
    return frame.assign(extra_eur=float(gain_per_eur), total_pct_now=float(now["total_pct"][0]),
                        total_pct_after=after["total_pct"],
                        gain_pct=after["total_pct"] - now["total_pct"][0], trede_after=trede)


# --- olievlek exposure -----------------------------------------------------------------------
def _check_year_has_purchases(conn: Connection, rules: Rules, year: int, where: str) -> None:
    years = fetch(conn, "purchase_years", rules)
    if int(year) not in set(years["year"].astype(int)):
        raise PsoInputError(Problem(where, None, "year", year, "no purchases in this year"))


def _check_municipality(conn: Connection, rules: Rules, municipality: str, where: str) -> None:
    from pso_chain import check

    known = fetch(conn, "municipalities", rules)["municipality"].astype(str)
    check.municipality_in(municipality, list(known))


def tier_distances_cypher(conn: Connection, rules: Rules, year: int) -> tuple[np.ndarray, int]:
    """Hops from the nearest code-applying buyer for every organisation, indexed by
    ``row - first_row`` (0 for the buyers, -1 where unreachable): a breadth-first search whose
    every hop is one ``exposure_next_tier`` query."""
    span = conn.read(ROW_SPAN)[0]
    first = int(span["low"])
    distance = np.full(int(span["high"]) - first + 1, -1, dtype=np.int64)
    frontier = fetch(conn, "code_applying", rules, year=year)["row"].to_numpy(dtype=np.int64)
    distance[frontier - first] = 0
    hop = 0
    while len(frontier):
        hop += 1
        reached = np.asarray(fetch(conn, "exposure_next_tier", rules, frontier=frontier.tolist(),
                                   year=year)["reached"].iat[0], dtype=np.int64)
        frontier = reached[distance[reached - first] < 0]
        distance[frontier - first] = hop
    return distance, first


def exposure_cypher(uri: str, year: int | None = None, municipality: str | None = None,
                    threshold: float | None = None, rules: Rules | None = None) -> pd.DataFrame:
    """:func:`pso_chain.olievlek.exposure.exposure` computed in Cypher: revenue shares from
    code-applying buyers (``queries/exposure.cypher``) and tier distances by a breadth-first
    search one Cypher hop at a time (``queries/exposure_next_tier.cypher``)."""
    from pso_chain.olievlek.exposure import EXPOSURE_COLUMNS
    from pso_chain.olievlek.settings import load_settings

    rules = rules if isinstance(rules, Rules) else load_rules(rules)
    default = load_settings().threshold if threshold is None else float(threshold)
    if not default >= 0:
        raise ValueError("threshold and at_risk must be numbers >= 0")
    with connect(uri) as conn:
        check_rows(conn)
        where = conn.target.uri
        year = resolve_year(conn, rules, year)
        _check_year_has_purchases(conn, rules, year, f"{where} (purchases)")
        if municipality is not None:
            _check_municipality(conn, rules, municipality, f"{where} (organisations)")
        rows = fetch(conn, "exposure", rules, year=year, municipality=municipality,
                     default_threshold=default)
        distance, first = tier_distances_cypher(conn, rules, year)
    dist = distance[rows["row"].to_numpy(dtype=np.int64) - first]
    share = rows["code_share"].astype(float).to_numpy()
    frame = pd.DataFrame({
        "org_id": rows["org_id"].astype(object).to_numpy(),
        "name": rows["name"].astype(object).to_numpy(),
        "municipality": rows["municipality"].astype(object).to_numpy(),
        "sbi": rows["sbi"].astype(object).to_numpy(),
        "employees": rows["employees"].astype(np.int64).to_numpy(),
        "revenue_eur": rows["revenue_eur"].astype(float).to_numpy(),
        "code_buyers": rows["code_buyers"].astype(np.int64).to_numpy(),
        "sales_to_code_eur": rows["sales_to_code_eur"].astype(float).to_numpy(),
        "code_share": share,
        "distance": pd.array(np.where(dist < 0, 0, dist), dtype="Int64"),
        "threshold": rows["threshold"].astype(float).to_numpy(),
        "meets_threshold": share >= rows["threshold"].astype(float).to_numpy(),
    }, columns=EXPOSURE_COLUMNS)
    frame.loc[dist < 0, "distance"] = pd.NA
    ids = frame["org_id"].astype(str).to_numpy()
    order = np.lexsort((ids, -np.nan_to_num(share, nan=-1.0),
                        np.where(dist < 0, np.iinfo(np.int64).max, dist)))
    return frame.iloc[order].reset_index(drop=True)


# --- uplift ----------------------------------------------------------------------------------
def _neighbourhood_network(conn: Connection, rules: Rules, org_id: str, year: int, org_ids):
    """The in-memory network of one buyer's neighbourhood (see ``read_neighbourhood``)."""
    from pso_chain.neo4jdb.source import read_neighbourhood
    from pso_chain.network import PurchaseNetwork
    from pso_chain.validate import validate_tables

    return PurchaseNetwork(validate_tables(read_neighbourhood(conn, org_id, year, org_ids), rules),
                           rules)


def _stream_candidates(conn: Connection, rules: Rules, org_id: str, year: int, on,
                       enough) -> pd.DataFrame:
    """Rows of ``uplift_candidates`` in yield order, read until ``enough(rows)`` holds and the
    next yield differs (ties at the boundary are all kept)."""
    query = load_query("uplift_candidates")
    params = parameters(query, rules, {"org_id": str(org_id), "year": int(year),
                                       "on": None if on is None else pd.Timestamp(on).date()})
    rows: list[dict] = []
    with conn.session() as session:
        result = session.run(query.text, params)
        for record in result:
            if rows and enough(rows) and record["yield_per_eur"] != rows[-1]["yield_per_eur"]:
                break
            rows.append(record.data())
        result.consume()
    return pd.DataFrame(rows, columns=["org_id", "revenue_eur", "yield_per_eur"])


def uplift_cypher(uri: str, org_id: str, year: int | None = None, *, top: int = 5,
                  suppliers: list[str] | None = None, max_share: float | None = None,
                  shift: str | None = None, on=None, rules: Rules | None = None
                  ) -> dict[str, pd.DataFrame]:
    """:func:`pso_chain.buyers.uplift.uplift_plan` on a database: Cypher ranks every supplier
    where a new purchase would count by yield (``queries/uplift_candidates.cypher``) and reads
    only as many as the answer needs (``top``, or for ``max_share`` until their room covers the
    highest trede); the buyer's neighbourhood — its purchases of the year, their suppliers, those
    candidates, with certificates and persons — is streamed out and the same engine finishes
    the arithmetic in whole cents, so the amounts are exactly the in-memory ones."""
    from pso_chain.buyers.common import buyer_spend
    from pso_chain.buyers.uplift import parse_shift, trede_targets, uplift_plan

    rules = rules if isinstance(rules, Rules) else load_rules(rules)
    named = [str(s) for s in (suppliers or [])]
    if shift:
        source, target, _ = parse_shift(shift)
        named += [source, target]
    with connect(uri) as conn:
        year = resolve_year(conn, rules, year)
        _organisation(conn, rules, org_id)
        base = _neighbourhood_network(conn, rules, org_id, year, named)
        base.node(org_id)
        need = np.inf
        room = None
        if max_share is not None:
            targets = trede_targets(base, org_id, year)
            extra = targets.loc[targets["reachable"], "extra_indirect_fte"]
            need = float(extra.max()) if len(extra) else 0.0
            spend, _ = buyer_spend(base, base.node(org_id), year)
            spent = pd.Series(spend, index=base.org_ids)
            room = lambda r: max(max_share * r["revenue_eur"] - spent.get(r["org_id"], 0.0), 0.0)  # noqa: E731

        def enough(rows: list[dict]) -> bool:
            if len(rows) < (0 if suppliers else top):
                return False
            if room is None:
                return True
            capacity = sum(room(r) * r["yield_per_eur"] for r in rows)
            return capacity > need * (1 + 1e-9) and len(rows) > 1

        candidates = _stream_candidates(conn, rules, org_id, year, on, enough)
        network = _neighbourhood_network(conn, rules, org_id, year,
                                         named + candidates["org_id"].astype(str).tolist())
    return uplift_plan(network, org_id, year, top=top, suppliers=suppliers, max_share=max_share,
                       shift=shift, on=on)


def resolve_year_cypher(uri: str, year: int | None, rules: Rules | None = None) -> int:
    """``year``, or the latest purchase year in the database at ``uri``."""
    if year is not None:
        return int(year)
    rules = rules if isinstance(rules, Rules) else load_rules(rules)
    with connect(uri) as conn:
        return resolve_year(conn, rules, None)
