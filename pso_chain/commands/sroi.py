"""`pso-chain sroi`: social return per contract (a thin wrapper over :func:`pso_chain.sroi`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

import pso_chain
from pso_chain.api.outputs import find_table
from pso_chain.commands.buyers import DATE_FORMATS, _write
from pso_chain.commands.common import (
    DatasetArg,
    OutOpt,
    RulesOpt,
    display,
    fails_on_bad_input,
    open_source,
    render_table,
    say,
    t,
)

TableOpt = Annotated[Path | None, typer.Option(exists=True, dir_okay=False)]
CONTRACTS_SHOWN = ["contract_id", "supplier_id", "supplier_name", "obligation_eur", "certificate_level",
                   "certificate_eur", "hire_eur", "sw_purchase_eur", "pso_purchase_eur", "activity_eur",
                   "remaining_eur", "due", "status"]
TOTALS_SHOWN = ["contracts", "obligation_eur", "fulfilled_eur", "remaining_eur", "at_risk_contracts"]


def _table_in(dataset: str, given: Path | None, name: str) -> Path:
    """The given file, or ``DATASET/<name>.csv|.xlsx|.parquet``."""
    if given is not None:
        return given
    found = find_table(Path(dataset), name)
    if found is None:
        raise typer.BadParameter(f"no {name} table in {dataset}: give --{name} FILE", param_hint=f"--{name}")
    return found


@fails_on_bad_input
def sroi_cmd(
    dataset: DatasetArg,
    contracts: Annotated[Path | None, typer.Option(
        "--contracts", exists=True, dir_okay=False,
        help="Contracts table (default: DATASET/contracts.*): contract_id, buyer_id, supplier_id, "
             "value_eur, start, end, sroi_pct")] = None,
    realisations: Annotated[Path | None, typer.Option(
        "--realisations", exists=True, dir_okay=False,
        help="Realisations table (default: DATASET/realisations.*): contract_id, date, kind, ...")] = None,
    on: Annotated[dt.datetime | None, typer.Option(
        "--on", formats=DATE_FORMATS, help="Assessment date (default: today)")] = None,
    settings: Annotated[Path | None, typer.Option(
        "--settings", exists=True, dir_okay=False,
        help="SROI settings TOML (default: the packaged sroi-bouwblokken.toml)")] = None,
    rules: RulesOpt = None, out: OutOpt = None,
) -> None:
    """Social return per contract: obligation, what fulfilled it (certificate, hires, purchases
    at SW-bedrijven and PSO holders, activities), what remains, due date and status.

    Per supplier and per buyer totals too; values per the building-blocks approach.
    """
    network = open_source(dataset, rules)
    day = (on or dt.datetime.now()).date()
    result = pso_chain.sroi(network, _table_in(dataset, contracts, "contracts"),
                            _table_in(dataset, realisations, "realisations"), day, settings=settings)
    frames = {"contracts": result.contracts, "realisations": result.realisations,
              "suppliers": result.suppliers, "buyers": result.buyers}
    if out:
        _write(frames, out)
        return
    when = display().fmt.date(day)
    render_table(result.contracts[CONTRACTS_SHOWN], keep=["contract_id", "remaining_eur", "status"],
                 title=t("sroi_title", on=when, version=result.settings_version))
    render_table(result.suppliers[["supplier_id", *TOTALS_SHOWN]], title=t("per_supplier"))
    render_table(result.buyers[["buyer_id", *TOTALS_SHOWN]], title=t("per_buyer"))
    late = result.contracts[result.contracts["at_risk"]]
    if len(late):
        say(t("sroi_late", n=len(late), ids=", ".join(late["contract_id"])))


def register(app: typer.Typer) -> None:
    app.command("sroi")(sroi_cmd)
