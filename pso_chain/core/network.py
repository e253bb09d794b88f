"""The purchase network: validated tables, integer node indices and sparse matrices, built once.

``PurchaseNetwork`` plays the role pymrio's ``IOSystem`` plays for input-output tables: it owns
the organisation and purchase tables and derives arrays and matrices on demand (cached), so
every computation (scoring, uplift, supplier search, olievlek, embodied) works on arrays.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pso_chain import check
from pso_chain.core.certification import CertificateIndex, certificate_index, purchase_eligibility
from pso_chain.errors import Problem, PsoInputError
from pso_chain.parsing import day_of, to_days
from pso_chain.rules import Rules
from pso_chain.validate import Dataset

if TYPE_CHECKING:
    import networkx as nx
    import scipy.sparse as sp


class PurchaseNetwork:
    """Organisations (nodes, sorted by ``org_id``) and purchases (edges buyer -> supplier).

    Build one with :func:`load_network` (a dataset folder or a Neo4j URI) or
    :meth:`from_dataset`. Arrays are indexed by node: ``fte``, ``target_fte``, ``revenue``, ...
    """

    def __init__(self, data: Dataset, rules: Rules):
        data.report.raise_for_errors()
        self._bind(data, rules)

    @classmethod
    def _unchecked(cls, data: Dataset, rules: Rules) -> PurchaseNetwork:
        """A network over data that may still have errors (for the rule checks only)."""
        network = cls.__new__(cls)
        network._bind(data, rules)
        return network

    def _bind(self, data: Dataset, rules: Rules) -> None:
        self.data = data
        self.rules = rules
        self.organisations = data.organisations
        self.purchases = data.purchases
        self.employees_records = data.employees_records
        self.certifications = data.certifications

    @classmethod
    def from_dataset(cls, data: Dataset, rules: Rules) -> PurchaseNetwork:
        return cls(data, rules)

    # --- nodes ---------------------------------------------------------------------------
    @property
    def n(self) -> int:
        return len(self.organisations)

    @cached_property
    def org_ids(self) -> pd.Index:
        return pd.Index(self.organisations["org_id"])

    def node(self, org_id: str) -> int:
        """Node index of one organisation; a clear error when it is unknown."""
        idx = self.org_ids.get_indexer([str(org_id)])[0]
        if idx < 0:
            raise PsoInputError(Problem("organisations", None, "org_id", org_id,
                                        "no_organisation"))
        return int(idx)

    def nodes(self, org_ids) -> np.ndarray:
        """Node indices of several organisations (an error naming the first unknown one)."""
        idx = self.org_ids.get_indexer([str(o) for o in org_ids])
        if (idx < 0).any():
            bad = [o for o, i in zip(org_ids, idx, strict=True) if i < 0][0]
            raise PsoInputError(Problem("organisations", None, "org_id", bad,
                                        "no_organisation"))
        return idx.astype(np.int64)

    def column(self, name: str) -> np.ndarray:
        return self.organisations[name].to_numpy()

    @cached_property
    def fte(self) -> np.ndarray:
        return self.organisations["fte"].to_numpy(dtype=float)

    @cached_property
    def employees(self) -> np.ndarray:
        return self.organisations["employees"].to_numpy(dtype=np.int64)

    @cached_property
    def revenue(self) -> np.ndarray:
        """Annual turnover (NaN where not given)."""
        return self.organisations["revenue_eur"].to_numpy(dtype=float)

    @cached_property
    def sw(self) -> np.ndarray:
        return self.organisations["sw"].to_numpy(dtype=bool)

    @cached_property
    def qualitative_ok(self) -> np.ndarray:
        return self.organisations["qualitative_ok"].to_numpy(dtype=bool)

    @cached_property
    def _direct(self) -> tuple[np.ndarray, np.ndarray]:
        return direct_target_fte(self.organisations, self.employees_records)

    @property
    def target_fte(self) -> np.ndarray:
        """Weighted target-group FTE (from employees_records where given, else the column)."""
        return self._direct[0]

    @property
    def has_records(self) -> np.ndarray:
        return self._direct[1]

    @cached_property
    def yield_per_eur(self) -> np.ndarray:
        """Target-group FTE per euro of revenue: the indirect FTE a buyer earns per euro spent."""
        with np.errstate(divide="ignore", invalid="ignore"):
            out = self.target_fte / self.revenue
        return np.where(np.isfinite(out), out, 0.0)

    @cached_property
    def certificates(self) -> CertificateIndex:
        """Every organisation's certificates (``certifications`` when given, else ``pso_level``)."""
        return certificate_index(self.organisations, self.certifications, self.rules)

    def certified_on(self, on, eligible_only: bool = True) -> np.ndarray:
        """Holds an (eligible) certificate valid on date ``on``, for every organisation."""
        return self.certificates.valid_on(day_of(on), eligible_only)

    def certified_at_start(self, year: int) -> np.ndarray:
        """Holds an eligible certificate valid on 1 January of ``year`` (the olievlek's and the
        report's "certified at the start of the year"), for every organisation."""
        return self.certified_on(pd.Timestamp(year=int(year), month=1, day=1))

    def counts_on(self, on) -> np.ndarray:
        """Purchases there count on date ``on``: an SW-bedrijf or a valid eligible certificate."""
        return self.sw | self.certified_on(on)

    def level_on(self, on) -> np.ndarray:
        """Highest certificate level valid on ``on`` per organisation (``""`` where none)."""
        idx = self.certificates.level_on(day_of(on))
        levels = np.asarray(["", *self.rules.all_levels], dtype=object)
        return levels[idx + 1]

    # --- edges ---------------------------------------------------------------------------
    @cached_property
    def years(self) -> np.ndarray:
        year = self.purchases["year"].to_numpy()
        if len(year) == 0:
            return np.unique(year)
        low, high = int(year.min()), int(year.max())
        if low == high:  # the usual case: one year, no sort of 10M rows
            return np.array([low], dtype=year.dtype)
        if high - low < 100_000:
            seen = np.zeros(high - low + 1, dtype=bool)
            seen[year - low] = True
            return (np.flatnonzero(seen) + low).astype(year.dtype)
        return np.unique(year)

    @property
    def latest_year(self) -> int:
        if len(self.years) == 0:
            raise PsoInputError(Problem(self.data.files.get("purchases", "purchases"), None, None,
                                        None, "there are no purchases"))
        return int(self.years[-1])

    def resolve_year(self, year: int | None) -> int:
        """The given year, or the latest year in purchases; bad input naming the years present
        when no purchase falls in it (:func:`pso_chain.check.year`)."""
        if len(self.years) == 0:
            return self.latest_year  # bad input naming the purchases file
        return check.year(self, year)

    # Public edge arrays, one value per purchase row, read-only views of ``purchases``: every
    # computation reads them; a what-if goes through :meth:`with_purchases`, never an edit.
    @cached_property
    def buyer(self) -> np.ndarray:
        """Buyer node index of each purchase row."""
        return _read_only(self.purchases["buyer"].to_numpy(), np.int64)

    @cached_property
    def supplier(self) -> np.ndarray:
        """Supplier node index of each purchase row."""
        return _read_only(self.purchases["supplier"].to_numpy(), np.int64)

    @cached_property
    def amount(self) -> np.ndarray:
        """Amount in euro of each purchase row."""
        return _read_only(self.purchases["amount_eur"].to_numpy(), float)

    @cached_property
    def year(self) -> np.ndarray:
        """Reference year of each purchase row."""
        return _read_only(self.purchases["year"].to_numpy(), np.int64)

    @cached_property
    def purchase_days(self) -> np.ndarray:
        """Day number of each purchase row (``NO_DAY`` where undated)."""
        return to_days(self.purchases["date"])

    @cached_property
    def eligible(self) -> np.ndarray:
        """Whether each purchase row counts as social purchasing (see docs/contract.md)."""
        # the dates as they are: only rows that need a day number are converted
        return _read_only(purchase_eligibility(self.buyer, self.supplier, self.year,
                                               self.purchases["date"].to_numpy(), self.sw,
                                               self.certificates), bool)

    def in_year(self, year: int) -> np.ndarray:
        return self.year == year

    def buyer_rows(self, node: int, year: int | None = None) -> np.ndarray:
        """Purchase rows of one buyer in file order (of ``year`` only, when given): one
        organisation's work. A compiled network answers from its row index without a scan."""
        rows = np.flatnonzero(self.buyer == node)
        return rows if year is None else rows[self.year[rows] == year]

    def record_rows(self, node: int) -> np.ndarray:
        """Rows of ``employees_records`` of one organisation, in file order."""
        if self.employees_records is None:
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero(self.employees_records["org"].to_numpy() == node)

    def row_days(self, rows: np.ndarray) -> np.ndarray:
        """Day numbers of some purchase rows (``NO_DAY`` where undated), without converting
        every row's date."""
        if "purchase_days" in self.__dict__:
            return self.purchase_days[rows]
        return to_days(self.purchases["date"].to_numpy()[rows])

    def edges(self, year: int | None = None, eligible_only: bool = False) -> pd.DataFrame:
        """Purchase rows as arrays: buyer, supplier, amount (one row per file row)."""
        mask = np.ones(len(self.purchases), bool) if year is None else self.in_year(year)
        if eligible_only:
            mask &= self.eligible
        return pd.DataFrame({"buyer": self.buyer[mask], "supplier": self.supplier[mask],
                             "amount_eur": self.amount[mask]})

    def adjacency(self, year: int | None = None, eligible_only: bool = False,
                  drop_self: bool = False) -> sp.csr_matrix:
        """CSR buyer x supplier of summed amounts (cached per arguments)."""
        key = (year, eligible_only, drop_self)
        cache = self.__dict__.setdefault("_adjacency_cache", {})
        if key not in cache:
            mask = np.ones(len(self.purchases), bool) if year is None else self.in_year(year)
            if eligible_only:
                mask &= self.eligible
            if drop_self:
                mask &= self.buyer != self.supplier
            import scipy.sparse as sp  # lazily: a one-organisation command starts 0.1-0.4 s sooner

            matrix = sp.csr_matrix(
                (self.amount[mask], (self.buyer[mask], self.supplier[mask])),
                shape=(self.n, self.n),
            )
            matrix.sum_duplicates()
            cache[key] = matrix
        return cache[key]

    def with_purchases(self, amounts: np.ndarray | None = None,
                       added: pd.DataFrame | None = None) -> PurchaseNetwork:
        """A copy with purchase amounts replaced and/or purchase rows appended (a what-if).

        ``amounts`` holds one finite value >= 0 per purchase row; ``added`` has ``buyer_id,
        supplier_id, amount_eur, year`` and optionally ``date`` (empty or NaT = undated). New
        rows are judged by the core's eligibility rule; existing rows keep theirs, and the
        certificates and direct FTE are shared with this network. Scoring the copy
        (``credits``) is the recomputation path the what-ifs are checked by.
        """
        purchases = self.purchases
        eligible = self.eligible
        if amounts is not None:
            amounts = np.asarray(amounts, dtype=float)
            if amounts.shape != (len(purchases),) or (amounts < 0).any() or not np.isfinite(amounts).all():
                raise PsoInputError(Problem("purchases", None, "amount_eur", None,
                                            "amounts must be one finite value >= 0 per purchase row"))
            purchases = purchases.assign(amount_eur=amounts)
        if added is not None and len(added):
            buyer = self.nodes(list(added["buyer_id"]))
            supplier = self.nodes(list(added["supplier_id"]))
            year = added["year"].to_numpy(dtype=np.int64)
            dates = added["date"] if "date" in added.columns else pd.Series([None] * len(added))
            date = pd.to_datetime(dates.replace("", None)).to_numpy().astype(purchases["date"].dtype)
            new = pd.DataFrame({
                "buyer": buyer.astype(purchases["buyer"].dtype),
                "supplier": supplier.astype(purchases["supplier"].dtype),
                "amount_eur": added["amount_eur"].to_numpy(dtype=float),
                "year": year.astype(purchases["year"].dtype), "date": date,
                "_row": np.full(len(added), -1, dtype=np.int64),
            })
            purchases = pd.concat([purchases, new], ignore_index=True)
            new_eligible = purchase_eligibility(buyer, supplier, year, to_days(new["date"]),
                                                self.sw, self.certificates)
            eligible = np.concatenate([eligible, new_eligible])
        copy = PurchaseNetwork(dataclasses.replace(self.data, purchases=purchases), self.rules)
        # what this network computed and the copy shares (cached_property slots)
        copy.__dict__.update(certificates=self.certificates, eligible=_read_only(eligible, bool),
                             _direct=self._direct)
        return copy

    # --- bridges -------------------------------------------------------------------------
    def to_networkx(self, nodes=None, year: int | None = None) -> nx.DiGraph:
        """A networkx DiGraph (buyer -> supplier, ``amount_eur`` summed) of the purchases of
        ``year`` (default: the latest year, like every verb; a year without purchases is bad
        input), of the network or of a selection of org_ids — for exploration, drawing and
        GraphML/GEXF export, not for national-scale computation.

        Nodes carry the organisations' columns (missing values left out; dates as ISO text) and
        the ``target_fte`` the scores use; the graph's ``year`` attribute is the year, so
        :func:`pso_chain.from_networkx` reads the graph back.
        """
        import networkx as nx  # the exploration bridge, not needed by the engine

        year = self.resolve_year(year)
        adj = self.adjacency(year).tocoo()
        if nodes is None:
            keep = np.arange(self.n)
        else:
            keep = np.sort(self.nodes(check.org_ids(nodes, "nodes")))
        member = np.zeros(self.n, bool)
        member[keep] = True
        sel = member[adj.row] & member[adj.col]
        graph = nx.DiGraph(year=year)
        orgs = self.organisations.iloc[keep]
        columns = [c for c in orgs.columns if c not in ("org_id", "_row")]
        target = self.target_fte[keep]
        for row, tfte in zip(orgs[["org_id", *columns]].itertuples(index=False, name=None), target,
                             strict=True):
            attrs = {c: _plain(v) for c, v in zip(columns, row[1:], strict=True) if _plain(v) is not None}
            attrs.update(sw=bool(attrs.get("sw", False)), target_fte=float(tfte))
            graph.add_node(row[0], **attrs)
        ids = self.organisations["org_id"].to_numpy()
        graph.add_weighted_edges_from(
            zip(ids[adj.row[sel]], ids[adj.col[sel]], adj.data[sel].astype(float).tolist(), strict=True),
            weight="amount_eur",
        )
        return graph

    def purchases_frame(self, year: int | None = None) -> pd.DataFrame:
        """The purchase rows with org ids: ``buyer_id, supplier_id, amount_eur, year, date,
        eligible`` (``eligible``: the row counts for the buyer's score), all years when ``year``
        is None."""
        rows = np.arange(len(self.purchases)) if year is None else np.flatnonzero(
            self.in_year(self.resolve_year(year)))
        ids = self.organisations["org_id"].to_numpy()
        return pd.DataFrame({
            "buyer_id": ids[self.buyer[rows]], "supplier_id": ids[self.supplier[rows]],
            "amount_eur": self.amount[rows], "year": self.year[rows],
            "date": self.purchases["date"].to_numpy()[rows], "eligible": self.eligible[rows],
        })


def _plain(value):
    """A GraphML-friendly Python value: None for missing or empty, dates as ISO text."""
    if value is None or value is pd.NaT or (isinstance(value, str) and value == ""):
        return None
    if isinstance(value, pd.Timestamp | np.datetime64):
        return None if pd.isna(value) else pd.Timestamp(value).date().isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def _read_only(values: np.ndarray, dtype) -> np.ndarray:
    """A non-writeable view of ``values`` as ``dtype`` (no copy when it already is)."""
    out = np.asarray(values, dtype=dtype).view()
    out.flags.writeable = False
    return out


def direct_target_fte(organisations: pd.DataFrame, employees_records: pd.DataFrame | None
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Each organisation's weighted target-group FTE and whether it came from its records.

    Employee records win over the ``target_fte`` column where an organisation has any.
    """
    n = len(organisations)
    column_fte = organisations["target_fte"].to_numpy(dtype=float)
    records = employees_records
    if records is None or records.empty:
        return column_fte, np.zeros(n, dtype=bool)
    known = records[records["org"] >= 0]
    from_records = np.bincount(known["org"], weights=known["weighted_fte"], minlength=n)
    has_records = np.bincount(known["org"], minlength=n) > 0
    return np.where(has_records, from_records, column_fte), has_records


@contextmanager
def small_pages() -> Iterator[None]:
    """Within the block numpy does not ask the kernel for transparent huge pages.

    numpy advises huge pages for every large array; where the kernel then compacts memory
    synchronously on the first touch (``transparent_hugepage/defrag = madvise``, as on the
    benchmark machine) each fresh 80 MB array stalls for ~0.2 s, and loading a national dataset
    makes dozens of them: measured 8.6-10 s -> 5.9-6.5 s for the whole credits command.
    """
    switch = None  # numpy's private switch: numpy._core (numpy 2) or numpy.core (numpy 1)
    for module in ("numpy._core.multiarray", "numpy.core.multiarray"):
        try:
            switch = getattr(importlib.import_module(module), "_set_madvise_hugepage", None)
        except ImportError:
            continue
        if switch is not None:
            break
    if switch is None:
        yield
        return
    previous = switch(False)
    try:
        yield
    finally:
        switch(previous)
