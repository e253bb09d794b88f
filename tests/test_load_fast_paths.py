"""The national-scale load paths give exactly what the plain paths give.

- ``IdMapper`` (integer keys through a direct lookup array or a hash, Arrow ``index_in``,
  pandas ``get_indexer``) against a plain dict lookup, on ids built to fool a digit/width check
  (signs, hex, spaces, unicode digits, leading zeros, nulls);
- Parquet read straight from Arrow against the same dataset as CSV: identical typed tables,
  eligibility and day numbers, and bad rows reported with the same file row and column;
- ``purchase_eligibility`` (computed only on rows whose supplier may count) against a
  per-row loop over the certificate list.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pso_chain.core.certification import build_certificate_index, purchase_eligibility
from pso_chain.core.loading import load_network
from pso_chain.core.network import PurchaseNetwork
from pso_chain.parsing import NO_DAY, text, year_bounds
from pso_chain.rules import load_rules
from pso_chain.validate import arrow as v
from pso_chain.validate import validate_folder
from tests.datasets import random_tables, write_tables

TRICKY = ["+1000005", "-1000005", "0x0F4245", " 1000005", "1000005 ", "١٠٠٠٠٠٥", "1000005",
          "01000005", "1e6", "", "10000050", "100000"]


def _oracle(org_ids: list[str], queries: list, strip: bool = False) -> np.ndarray:
    where = {o: i for i, o in enumerate(org_ids)}
    return np.array([where.get(q.strip() if strip else q, -1) if isinstance(q, str) else -1
                     for q in queries])


def _strips(given_ids) -> bool:
    """Text columns read as Python objects (CSV/XLSX, Neo4j) are stripped before matching."""
    return isinstance(given_ids, pd.Series) and given_ids.dtype == object


def _as_inputs(queries: list):
    """The same ids as a pandas str column, an object column and an Arrow chunked array."""
    arrow = pa.chunked_array([pa.array(queries[: len(queries) // 2], type=pa.string()),
                              pa.array(queries[len(queries) // 2:], type=pa.string())])
    return [pd.Series(queries, dtype="str"), pd.Series(queries, dtype=object), arrow]


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_id_mapper_matches_a_dict(data) -> None:
    width = data.draw(st.sampled_from([7, 8]))
    numbers = data.draw(st.lists(st.integers(10 ** (width - 1) - 50, 10 ** (width - 1) + 400),
                                 min_size=1, max_size=60, unique=True))
    org_ids = sorted(str(x).zfill(width) for x in numbers)
    pool = org_ids + TRICKY + [o[:-1] for o in org_ids[:3]] + ["9" * width]
    queries = data.draw(st.lists(st.one_of(st.sampled_from(pool), st.none()), max_size=80))
    for span_per_key in (16, 0):  # direct lookup array, then the hash index
        old = v.LOOKUP_SPAN_PER_KEY
        v.LOOKUP_SPAN_PER_KEY = span_per_key
        try:
            mapper = v.IdMapper(pd.Index(org_ids, dtype="str"))
            for given_ids in _as_inputs(queries):
                expected = _oracle(org_ids, queries, strip=_strips(given_ids))
                got = mapper(given_ids)
                np.testing.assert_array_equal(got, expected, err_msg=f"{type(given_ids)} {queries}")
        finally:
            v.LOOKUP_SPAN_PER_KEY = old


def test_id_mapper_with_non_digit_ids() -> None:
    org_ids = sorted(["A1", "B22", "C3", "1000005", "ü7"])
    queries = ["A1", "a1", "ü7", None, "1000005", "+1000005", "C3 "]
    mapper = v.IdMapper(pd.Index(org_ids, dtype="str"))
    assert mapper.width is None
    for given_ids in _as_inputs(queries):
        expected = _oracle(org_ids, queries, strip=_strips(given_ids))
        np.testing.assert_array_equal(mapper(given_ids), expected)


DATE_COLUMNS = ("date", "valid_from", "valid_until", "pso_valid_from", "pso_valid_until")


def _dataset_in(folder: Path, fmt: str, seed: int) -> Path:
    """A random dataset; as Parquet with real ``date32`` columns (as generators write them)."""
    t = random_tables(seed, 60, 400, 2024)
    out = write_tables(folder / fmt, t["organisations"], t["purchases"],
                       employees_records=t.get("employees_records"),
                       certifications=t.get("certifications"), fmt=fmt)
    return _to_date32(out)


def _to_date32(out: Path) -> Path:
    for path in out.glob("*.parquet"):
        table = pq.read_table(path)
        for name in DATE_COLUMNS:
            if name in table.column_names:
                text = table.column(name)
                text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
                dates = pc.cast(pc.strptime(text, "%Y-%m-%d", "s"), pa.date32())
                table = table.set_column(table.column_names.index(name), name, dates)
        pq.write_table(table, path, row_group_size=97)  # several chunks per column
    return out


@pytest.mark.parametrize("seed", [3, 11])
def test_parquet_from_arrow_equals_csv(tmp_path: Path, seed: int) -> None:
    rules = load_rules()
    csv = validate_folder(_dataset_in(tmp_path, "csv", seed), rules)
    parquet = validate_folder(_dataset_in(tmp_path, "parquet", seed), rules)
    assert csv.report.ok and parquet.report.ok
    for name in ("buyer", "supplier", "year", "_row"):
        np.testing.assert_array_equal(csv.purchases[name].to_numpy(), parquet.purchases[name].to_numpy())
    np.testing.assert_allclose(csv.purchases["amount_eur"], parquet.purchases["amount_eur"])
    np.testing.assert_array_equal(csv.purchases["date"].to_numpy().astype("datetime64[D]"),
                                  parquet.purchases["date"].to_numpy().astype("datetime64[D]"))
    np.testing.assert_array_equal(PurchaseNetwork(csv, rules).eligible, PurchaseNetwork(parquet, rules).eligible)
    for col in ("org_id", "name", "pso_level", "municipality"):
        assert list(csv.organisations[col]) == list(parquet.organisations[col])
    if csv.employees_records is not None:
        for col in ("org", "person_id", "start_position", "contract_type", "weighted_fte"):
            assert list(csv.employees_records[col]) == list(parquet.employees_records[col])


def test_parquet_bad_rows_are_reported_without_building_frames_first(tmp_path: Path) -> None:
    t = random_tables(5, 40, 200, 2024)
    p = t["purchases"].copy()
    p["buyer_id"] = p["buyer_id"].astype(str)
    p.loc[7, "buyer_id"] = "+" + p.loc[7, "buyer_id"][1:]
    p.loc[9, "supplier_id"] = "0x1"
    p.loc[12, "date"] = "2023-12-31"  # year 2024
    folder = _to_date32(write_tables(tmp_path, t["organisations"], p, fmt="parquet"))
    data = validate_folder(folder, load_rules())
    errors = data.report.errors
    got = {(r.row, r.column, r.value) for r in errors.itertuples()}
    assert (9, "buyer_id", p.loc[7, "buyer_id"]) in got and (11, "supplier_id", "0x1") in got  # header: row 1
    assert any(row == 14 and col == "date" and value.startswith("2023-12-31") for row, col, value in got)
    rejected = data.report.rejected_rows()  # the frame is built on demand for the records
    assert rejected["record"].str.contains("supplier_id=0x1").any()


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_purchase_eligibility_matches_a_loop(data) -> None:
    n = data.draw(st.integers(2, 8))
    levels, eligible_levels = ("aspirant", "1", "2"), ("1", "2")
    certs = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.sampled_from(levels),
                                         st.one_of(st.none(), st.integers(19700, 20200)),
                                         st.one_of(st.none(), st.integers(19700, 20200))),
                               max_size=10))
    org = np.array([c[0] for c in certs], dtype=np.int64)
    start = np.array([NO_DAY if c[2] is None else c[2] for c in certs], dtype=np.int64)
    end = np.array([NO_DAY if c[3] is None else c[3] for c in certs], dtype=np.int64)
    index = build_certificate_index(n, org, pd.Series([c[1] for c in certs], dtype=object),
                                    start.view("datetime64[D]"), end.view("datetime64[D]"),
                                    levels, eligible_levels)
    rows = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1),
                                        st.sampled_from([2023, 2024, 2025]),
                                        st.one_of(st.none(), st.integers(0, 364))), max_size=30))
    sw = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    buyer = np.array([r[0] for r in rows], dtype=np.int64)
    supplier = np.array([r[1] for r in rows], dtype=np.int64)
    year = np.array([r[2] for r in rows], dtype=np.int64)
    first, _ = year_bounds(year) if len(rows) else (year, year)
    day = np.array([NO_DAY if r[3] is None else int(first[i]) + r[3] for i, r in enumerate(rows)],
                   dtype=np.int64)
    got = purchase_eligibility(buyer, supplier, year, day, sw, index)
    for i, (b, s, y, _) in enumerate(rows):
        lo, hi = (day[i], day[i]) if day[i] != NO_DAY else (
            int(np.datetime64(f"{y}-01-01", "D").astype(np.int64)),
            int(np.datetime64(f"{y}-12-31", "D").astype(np.int64)))
        certified = any(
            o == s and lvl in eligible_levels and (f is None or f <= hi) and (u is None or u >= lo)
            for o, lvl, f, u in certs)
        assert got[i] == (b != s and (sw[s] or certified)), (rows[i], certs)


def test_day_numbers_of_parquet_dates(tmp_path: Path) -> None:
    folder = _dataset_in(tmp_path, "parquet", 2)
    net = load_network(folder)
    assert pq.read_schema(folder / "purchases.parquet").field("date").type == pa.date32()
    raw = pd.read_parquet(folder / "purchases.parquet")["date"]
    assert raw.isna().any() and raw.notna().any()
    expected = [NO_DAY if pd.isna(d) else (pd.Timestamp(d) - pd.Timestamp("1970-01-01")).days for d in raw]
    np.testing.assert_array_equal(net.purchase_days, expected)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet=" \t\n\x1fAbcÉé\u00a0\u3000xZ1", max_size=5)),
                max_size=20))
def test_text_shortcuts_match_pandas(values) -> None:
    """Skipping strip/lower when nothing would change gives what pandas' strip/lower give."""
    series = pd.Series(values, dtype="str")
    np.testing.assert_array_equal(v.text_column(pd.DataFrame({"c": series}), "c").to_numpy(dtype=object),
                                  text(series).to_numpy(dtype=object))
    stripped = text(series)
    assert list(v.lower(stripped)) == list(stripped.str.lower())
    assert list(v.lower_arrow(v.text_arrow(series)).to_pylist()) == list(stripped.str.lower())
