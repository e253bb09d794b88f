"""Engine results as the web hands them out: the CLI's JSON serialisation (one writer for
both), explanations without person-level rows, and bad input as HTTP errors."""

from __future__ import annotations

from typing import Any

import pandas as pd
from fastapi.responses import Response

from pso_chain.errors import PsoInputError
from pso_chain.outputs.files import json_text, records_of


class JSONText(Response):
    """JSON written by :func:`pso_chain.outputs.files.json_text`, as ``--out x.json`` writes it."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json_text(content).encode("utf-8")


def records(frame: pd.DataFrame) -> list[dict]:
    """A frame's rows as the CLI's JSON file holds them."""
    return records_of(frame)


MIN_PERSONS = 3  # fewer persons than this are shown as "< 3", without their FTE


def public_explain(explained: dict) -> dict:
    """An explanation with person-level employee records replaced by aggregates: their count
    and summed weighted FTE (the records never leave the server). An aggregate over one or two
    persons would still describe them: it is shown as ``"< 3"`` with no FTE (``None``)."""
    out = dict(explained)
    direct = dict(out.get("direct", {}))
    persons = direct.pop("persons", None) or []
    if 0 < len(persons) < MIN_PERSONS:
        direct["persons_count"] = f"< {MIN_PERSONS}"
        direct["persons_weighted_fte"] = None
    else:
        direct["persons_count"] = len(persons)
        direct["persons_weighted_fte"] = float(sum(float(p.get("weighted_fte", 0.0)) for p in persons))
    out["direct"] = direct
    return out


def is_unknown_org(exc: PsoInputError, org_id: str | None) -> bool:
    """Whether bad input is the unknown org_id of the URL's path (a 404; an unknown id in
    a parameter is a 400)."""
    problems = exc.problems
    if org_id is None or not len(problems):
        return False
    unknown = (problems["column"] == "org_id") & (problems["reason"].astype(str) == "no_organisation")
    return bool((unknown & (problems["value"].astype(str) == str(org_id))).any())
