"""A checked network from a dataset folder, or from tables validated elsewhere (Neo4j): the table
checks of :mod:`pso_chain.validate`, then the rule checks of :mod:`pso_chain.core.rule_checks` on
the network that keeps what they computed."""

from __future__ import annotations

from pathlib import Path

from pso_chain.core.network import PurchaseNetwork, small_pages
from pso_chain.core.rule_checks import rule_checks
from pso_chain.rules import Rules, load_rules
from pso_chain.validate import Dataset, validate_folder
from pso_chain.validate.report import Collector


def load_network(folder: str | Path, rules: Rules | str | Path | None = None,
                 progress=None) -> PurchaseNetwork:
    """Read, validate and index a dataset folder (a Neo4j database is opened by
    :func:`pso_chain.open`, which reads it through :mod:`pso_chain.neo4jdb.source`).

    Raises :class:`PsoInputError` when the data has errors that would make results wrong.
    """
    if not isinstance(rules, Rules):
        rules = load_rules(rules)
    with small_pages():
        network = checked_network(validate_folder(folder, rules), rules)
    network.data.report.raise_for_errors()
    return network


def read_dataset(folder: str | Path, rules: Rules, progress=None) -> Dataset:
    """Read and check a dataset folder: the table checks of :mod:`pso_chain.validate` and the
    rule checks below. No exception for bad rows: every problem is in ``report``."""
    return checked_network(validate_folder(folder, rules), rules).data


def checked_network(data: Dataset, rules: Rules) -> PurchaseNetwork:
    """The network's rule checks on validated tables (from a folder or from Neo4j alike), on a
    network that keeps what the checks computed (eligibility, certificates, direct FTE); every
    problem joins ``data.report``."""
    network = PurchaseNetwork._unchecked(data, rules)
    out = Collector()
    out.extend(data.report.problems)
    rule_checks(network, out)
    data.report.problems = out.frame()
    return network
