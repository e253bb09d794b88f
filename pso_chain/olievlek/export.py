"""The propagation forest as a networkx DiGraph, written as GEXF or GraphML for Gephi.

Edges run from the organisation that passed certification on (parent in ``history``, trigger
in ``simulate``) to the one that followed. Node attributes: name, municipality, sbi,
employees, target_fte, and generation/certified_on (history) or round/pressure (simulate).
Only plain str/int/float/bool attributes are written, which both formats accept.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pso_chain.core.network import PurchaseNetwork
from pso_chain.errors import Problem, PsoInputError

if TYPE_CHECKING:  # networkx loads where a graph is built: it costs every command's start-up
    import networkx as nx

GRAPH_FORMATS = (".gexf", ".graphml")


def _node_attributes(network: PurchaseNetwork, org_ids: list[str]) -> dict[str, dict]:
    nodes = network.nodes(org_ids)
    orgs = network.organisations
    out = {}
    for org_id, name, muni, sbi, employees, target in zip(
        org_ids, orgs["name"].to_numpy()[nodes], orgs["municipality"].to_numpy()[nodes],
        orgs["sbi"].to_numpy()[nodes], network.employees[nodes], network.target_fte[nodes],
        strict=True,
    ):
        out[org_id] = {"label": str(name), "name": str(name), "municipality": str(muni), "sbi": str(sbi),
                       "employees": int(employees), "target_fte": float(target)}
    return out


def history_forest(network: PurchaseNetwork, frame: pd.DataFrame) -> nx.DiGraph:
    """Parent -> organisation for every certification of a ``history`` frame."""
    import networkx as nx

    graph = nx.DiGraph(name="olievlek history")
    attrs = _node_attributes(network, frame["org_id"].tolist())
    for org_id, on, generation, root in zip(frame["org_id"], frame["certified_on"], frame["generation"],
                                            frame["root_id"], strict=True):
        graph.add_node(org_id, **attrs[org_id], generation=int(generation), root_id=str(root),
                       certified_on="" if pd.isna(on) else str(pd.Timestamp(on).date()))
    for org_id, parent in zip(frame["org_id"], frame["parent_id"], strict=True):
        if parent is not None and not pd.isna(parent):
            graph.add_edge(parent, org_id)
    return graph


def simulation_forest(network: PurchaseNetwork, frame: pd.DataFrame) -> nx.DiGraph:
    """Trigger -> organisation for every organisation a ``simulate`` run certified; triggers
    certified before the run are roots (round 0)."""
    import networkx as nx

    graph = nx.DiGraph(name="olievlek simulation")
    triggers = [t for t in frame["trigger_id"].dropna().unique().tolist() if t not in set(frame["org_id"])]
    everyone = frame["org_id"].tolist() + triggers
    attrs = _node_attributes(network, everyone)
    for org_id in triggers:
        graph.add_node(org_id, **attrs[org_id], round=0, pressure=0.0)
    for org_id, rnd, pressure in zip(frame["org_id"], frame["round"], frame["pressure"], strict=True):
        graph.add_node(org_id, **attrs[org_id], round=int(rnd),
                       pressure=float(pressure) if np.isfinite(pressure) else 0.0)
    for org_id, trigger in zip(frame["org_id"], frame["trigger_id"], strict=True):
        if trigger is not None and not pd.isna(trigger):
            graph.add_edge(trigger, org_id)
    return graph


def write_graph(graph: nx.DiGraph, path: str | Path) -> Path:
    """Write ``graph`` as GEXF or GraphML, by the file's extension."""
    import networkx as nx

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in GRAPH_FORMATS:
        raise PsoInputError(Problem(str(path), None, None, None,
                                    f"unknown graph format (use {', '.join(GRAPH_FORMATS)})"))
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".gexf":
        nx.write_gexf(graph, path)
    else:
        nx.write_graphml(graph, path)
    return path
