"""The quick scan: a buyer's books and the register in, the PSO score out (MijnPSO's rekentool).

:func:`import_books` reads the files (ledger exports or UBL e-invoices, the register, the SW
list, supplier figures, the buyer) and builds the canonical dataset
(:mod:`pso_chain.importing.importer`); :func:`quickscan` opens it like any dataset and asks the public
verbs for the buyer's credits row, its explanation and the cheapest way to the next trede.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pso_chain.buyers.uplift import uplift_plan
from pso_chain.core.explanation import explain
from pso_chain.core.loading import load_network
from pso_chain.core.scoring import credits
from pso_chain.errors import Problem, PsoInputError
from pso_chain.importing.importer import ImportResult, build_dataset
from pso_chain.loaders.buyer import read_buyer_file, read_buyer_records
from pso_chain.loaders.import_settings import ImportSettings, load_import_settings
from pso_chain.loaders.invoices import empty_lines
from pso_chain.loaders.ledger import parse_mapping, read_ledger
from pso_chain.loaders.register import read_figures, read_overrides, read_register, read_sw_list
from pso_chain.loaders.ubl import read_ubl
from pso_chain.outputs.files import records_of
from pso_chain.rules import Rules, load_rules

PathLike = str | Path


def _paths(value: PathLike | Sequence[PathLike] | None) -> list[PathLike]:
    if value is None:
        return []
    if isinstance(value, str | Path):
        return [value]
    return list(value)


def read_buyer(path: PathLike) -> pd.DataFrame:
    """The one-row organisations table of the buyer (canonical columns, values parsed)."""
    return read_buyer_file(path)


def import_books(*, ledger: PathLike | Sequence[PathLike] | None = None,
                 ubl: PathLike | Sequence[PathLike] | None = None, register: PathLike,
                 buyer: PathLike, sw: PathLike | None = None, figures: PathLike | None = None,
                 buyer_records: PathLike | None = None, overrides: PathLike | None = None,
                 accept_review: bool = False, allow_missing_figures: bool = False,
                 profile: str | None = None, mapping: dict[str, str] | Sequence[str] | None = None,
                 vat: float | None = None, year: int | None = None,
                 rules: Rules | PathLike | None = None,
                 settings: ImportSettings | PathLike | None = None) -> ImportResult:
    """Read the books and the lists and build the canonical dataset (not yet written).

    ``mapping`` names columns: a dict column -> field, or ``"Kolom=field"`` strings.
    """
    if mapping is not None and not isinstance(mapping, dict):
        mapping = parse_mapping(list(mapping))
    rule_set = rules if isinstance(rules, Rules) else load_rules(rules)
    conf = settings if isinstance(settings, ImportSettings) else load_import_settings(settings)
    notes: list[str] = []
    parts = []
    for path in _paths(ledger):
        lines, found = read_ledger(path, profile=profile, mapping=mapping, vat_pct=vat, year=year)
        parts.append(lines)
        notes += found
    if _paths(ubl):
        lines, found = read_ubl(_paths(ubl), conf)
        parts.append(lines)
        notes += found
    if not parts:
        raise PsoInputError(Problem("(command line)", None, None, None,
                                    "give ledger files or UBL folders/zips"))
    lines = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) \
        else empty_lines()
    if lines.empty:
        raise PsoInputError(Problem(", ".join(str(p) for p in _paths(ledger) + _paths(ubl)), None, None,
                                    None, "no purchases found in the books"))
    reg = read_register(register, conf)
    sw_list = read_sw_list(sw) if sw else None
    figs = read_figures(figures) if figures else None
    buyer_frame = read_buyer(buyer)
    records = read_buyer_records(buyer_records) if buyer_records else None
    over = read_overrides(overrides) if overrides else None
    return build_dataset(lines, reg, sw_list, figs, buyer_frame, records, over, rule_set, conf,
                         accept_review=accept_review, allow_missing_figures=allow_missing_figures,
                         notes=notes)


def _built_from_your_files(exc: PsoInputError, folder: Path) -> PsoInputError:
    """A problem of the temporary dataset named as what it is, never by its temporary path."""
    problems = exc.problems.copy()
    inside = problems["file"].astype(str).str.startswith(str(folder))
    problems.loc[inside, "file"] = [f"the dataset built from your files ({Path(f).name})"
                                    for f in problems.loc[inside, "file"]]
    return PsoInputError(problems)


@dataclass
class QuickscanResult:
    """What the quick scan shows: the buyer's credits row (the contract's column names), its
    explanation, the uplift plan, the match report, the request list and the notes."""

    buyer_id: str
    year: int
    credits: dict[str, Any]
    explain: dict[str, Any]
    uplift: dict[str, pd.DataFrame]
    match_report: pd.DataFrame
    request_list: pd.DataFrame
    purchases: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    imported: ImportResult | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (no person-level rows: the explanation carries their count only)."""
        return {
            "buyer_id": self.buyer_id, "year": self.year, "notes": self.notes,
            "credits": self.credits, "explain": self.explain,
            "uplift": {k: records_of(v) for k, v in self.uplift.items()},
            "purchases": records_of(self.purchases),
            "match_report": records_of(self.match_report),
            "request_list": records_of(self.request_list),
        }


def quickscan(*, ledger: PathLike | Sequence[PathLike] | None = None,
              ubl: PathLike | Sequence[PathLike] | None = None, register: PathLike, buyer: PathLike,
              sw: PathLike | None = None, figures: PathLike | None = None,
              buyer_records: PathLike | None = None, overrides: PathLike | None = None,
              accept_review: bool = False, allow_missing_figures: bool = False,
              year: int | None = None, profile: str | None = None,
              mapping: dict[str, str] | Sequence[str] | None = None, vat: float | None = None,
              rules: Rules | PathLike | None = None,
              settings: ImportSettings | PathLike | None = None,
              dataset: PathLike | None = None) -> QuickscanResult:
    """The buyer's PSO score straight from its books and the register.

    Parameters
    ----------
    ledger, ubl : path or list of paths
        Ledger exports (CSV/XLSX) and/or UBL folders, zips or files.
    register, sw, figures : path
        The PSO register, the SW-bedrijven list, suppliers' own figures.
    buyer, buyer_records : path
        The buyer's one-row organisations table and its employees_records.
    overrides : path
        The edited match report (accepted / rejected rows).
    accept_review, allow_missing_figures : bool
        A first look: count the review band / leave out suppliers without figures (noted).
    year : int, optional
        Reference year (default: the latest in the books).
    dataset : path, optional
        Write the canonical dataset there (default: a temporary folder, removed afterwards).

    Raises
    ------
    PsoInputError
        Bad input (file, row or element, and reason), or eligible suppliers without figures.
    """
    rule_set = rules if isinstance(rules, Rules) else load_rules(rules)
    imported = import_books(ledger=ledger, ubl=ubl, register=register, buyer=buyer, sw=sw,
                            figures=figures, buyer_records=buyer_records, overrides=overrides,
                            accept_review=accept_review, allow_missing_figures=allow_missing_figures,
                            profile=profile, mapping=mapping, vat=vat, year=year, rules=rule_set,
                            settings=settings)
    with tempfile.TemporaryDirectory(prefix="pso-quickscan-") as tmp:
        folder = Path(dataset) if dataset else Path(tmp) / "dataset"
        imported.write(folder)
        try:
            network = load_network(folder, rule_set)  # a one-off folder: no compiled network
        except PsoInputError as exc:
            if dataset:
                raise
            raise _built_from_your_files(exc, folder) from None
        year = network.resolve_year(year)
        scores = credits(network, year)
        explained = explain(network, imported.buyer_id, year)
        plan = uplift_plan(network, imported.buyer_id, year)
    # person-level rows never leave the machine: the explanation keeps their count only
    persons = explained["direct"].pop("persons", [])
    imported.employees_records = None
    explained["direct"]["persons_counted"] = len(persons)
    row = scores[scores["org_id"] == imported.buyer_id]
    credits_row = {k: (None if pd.isna(v) else v) for k, v in row.iloc[0].to_dict().items()}
    purchases = pd.DataFrame(explained["purchases"])
    return QuickscanResult(imported.buyer_id, int(explained["year"]), credits_row, explained, plan,
                           imported.match_report, imported.request_list, purchases,
                           list(imported.notes), imported)
