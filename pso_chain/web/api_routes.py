"""The JSON API under ``/api``: the same fields as the CLI's ``--out x.json`` files, written by
the same serialisation (:func:`pso_chain.outputs.files.json_text`); employee records only as counts."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Path, Query, Request
from fastapi.responses import StreamingResponse

import pso_chain
from pso_chain.errors import PsoInputError
from pso_chain.outputs.files import csv_text, json_text
from pso_chain.web.results import JSONText, public_explain, records

# Routes return a JSONText themselves: FastAPI's own encoder would write dates differently.
router = APIRouter(prefix="/api", tags=["api"], default_response_class=JSONText)

Year = Annotated[int | None, Query(ge=1000, le=9999, description="Reference year (default: latest)")]
OrgId = Annotated[str, Path(min_length=1, max_length=64, description="org_id (KvK number)")]
CSV_CHUNK = 50_000  # rows per streamed CSV chunk


def holder(request: Request):
    return request.app.state.holder


def credits_frame(request: Request, year: int | None):
    """All organisations' scores for a year, computed once per network and year."""
    h = holder(request)
    network = h.network
    resolved = network.resolve_year(year)
    return h.cached(("credits", resolved), lambda: pso_chain.credits(network, resolved))


@router.get("/organisations/{org_id}", summary="One organisation's credits row")
def organisation(request: Request, org_id: OrgId, year: Year = None) -> Any:
    """The row ``pso-chain credits --out x.json`` writes for this organisation."""
    scores = credits_frame(request, year)
    row = records(scores[scores["org_id"] == org_id])
    if not row:
        raise HTTPException(404, f"organisations, column org_id (value {org_id!r}): no organisation "
                                 "with this org_id")
    return JSONText(row[0])


@router.get("/organisations/{org_id}/explain", summary="Every number behind one score")
def explain(request: Request, org_id: OrgId, year: Year = None) -> Any:
    """``pso-chain explain --out x.json``, with ``direct.persons`` replaced by
    ``persons_count`` and ``persons_weighted_fte`` (person-level rows never leave the server)."""
    return JSONText(public_explain(pso_chain.explain(holder(request).network, org_id, year)))


@router.get("/organisations/{org_id}/uplift", summary="What purchasing lifts the organisation")
def uplift(request: Request, org_id: OrgId, year: Year = None,
           top: Annotated[int | None, Query(ge=1, le=1000)] = None,
           supplier: Annotated[list[str] | None, Query(max_length=100)] = None,
           max_share: Annotated[float | None, Query(ge=0.0, le=1.0)] = None,
           shift: Annotated[str | None, Query(max_length=200, description="FROM:TO[:EUR]")] = None,
           on: dt.date | None = None) -> Any:
    """Each frame of ``pso-chain uplift --out x.json`` (``uplift`` in x.json, ``targets`` in
    x-targets.json, ...) under its name."""
    plan = pso_chain.uplift(holder(request).network, org_id, year, top=top, suppliers=supplier,
                            max_share=max_share, shift=shift, on=on)
    return JSONText({name: records(frame) for name, frame in plan.items()})


@router.post("/organisations/{org_id}/what-if", summary="Score before and after changed spend")
def what_if(request: Request, org_id: OrgId,
            changes: Annotated[dict[str, float], Body(embed=True, description=(
                "supplier_id -> extra spend in euros this year, on top of today's"))] = {},  # noqa: B006
            replace: Annotated[dict[str, float] | None, Body(embed=True, description=(
                "supplier_id -> new total in euros this year (0 drops it)"))] = None,
            year: Annotated[int | None, Body(embed=True, ge=1000, le=9999)] = None) -> Any:
    """:func:`pso_chain.what_if` (a JSON body, so a cross-site form cannot post it): ``changes``
    add to what the buyer buys now, ``replace`` sets new totals."""
    if len(changes) + len(replace or {}) > 1000:
        raise HTTPException(422, "changes: at most 1000 suppliers")
    if not changes and not replace:
        raise HTTPException(422, "changes: give changes (extra euros) or replace (new totals)")
    return JSONText(pso_chain.what_if(holder(request).network, org_id, changes, year, replace=replace))


@router.get("/suppliers", summary="Suppliers whose sales count, by credit per euro")
def suppliers(request: Request, on: dt.date | None = None,
              sbi: Annotated[str | None, Query(max_length=20, pattern=r"^[0-9A-Za-z.]*$")] = None,
              municipality: Annotated[str | None, Query(max_length=100)] = None,
              min_level: Annotated[str | None, Query(max_length=20)] = None,
              for_org: Annotated[str | None, Query(alias="for", max_length=64)] = None,
              year: Year = None,
              limit: Annotated[int, Query(ge=1, le=100_000)] = 1000) -> Any:
    """``pso-chain suppliers --out x.json`` (the first ``limit`` rows)."""
    frame = pso_chain.suppliers(holder(request).network, on, sbi=sbi, municipality=municipality,
                                min_level=min_level, for_org=for_org, year=year)
    return JSONText(records(frame.head(limit)))


@router.get("/credits", summary="Every organisation's credits row",
            responses={200: {"content": {"application/json": {}, "text/csv": {}}}})
def credits(request: Request, year: Year = None) -> Any:
    """``pso-chain credits --out x.json`` byte for byte; with ``Accept: text/csv`` the CSV
    file (formula-safe, as ``--out x.csv``). Both streamed in chunks (a national network has a
    million rows)."""
    scores = credits_frame(request, year)
    starts = range(0, max(len(scores), 1), CSV_CHUNK)
    if "text/csv" in request.headers.get("accept", ""):
        def csv_chunks():
            for start in starts:
                yield csv_text(scores.iloc[start:start + CSV_CHUNK], header=start == 0)

        return StreamingResponse(csv_chunks(), media_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition": 'attachment; filename="credits.csv"'})

    def json_chunks():  # the layout of pso_chain.outputs.files.write_table's .json
        yield "[\n"
        for start in starts:
            rows = records(scores.iloc[start:start + CSV_CHUNK])
            yield (",\n" if start else "") + ",\n".join(json_text(r) for r in rows)
        yield "\n]\n"

    return StreamingResponse(json_chunks(), media_type="application/json")


@router.get("/municipalities/{name}", summary="The municipal report's tables")
def municipality(request: Request, name: Annotated[str, Path(min_length=1, max_length=100)],
                 year: Year = None) -> Any:
    """Trede distribution, closest to the next trede, counting spend, prospects and seeds."""
    out = municipality_tables(request, name, year)
    return JSONText({k: records(v) if hasattr(v, "columns") else v for k, v in out.items()})


def municipality_tables(request: Request, name: str, year: int | None) -> dict:
    """:func:`pso_chain.municipality`, once per network, name and year; unknown: 404."""
    h = holder(request)
    network = h.network
    try:
        return h.cached(("municipality", name.strip().casefold(), year),
                        lambda: pso_chain.municipality(network, name, year))
    except PsoInputError as exc:
        where = zip(exc.problems["column"], exc.problems["file"], strict=True)
        if any("municipality" in f"{column} {file}" for column, file in where):
            raise HTTPException(404, f"no organisation in municipality {name!r}") from None
        raise
