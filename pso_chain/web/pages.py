"""The pages people use: supplier search, organisation (score, purchases, uplift, what-if),
municipality, quick scan, login and the admin's reload. Plain forms, server-rendered; every
number comes from :mod:`pso_chain.api.verbs`."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated
from urllib.parse import quote

import pandas as pd
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.datastructures import FormData

import pso_chain
from pso_chain.errors import Problem, PsoInputError
from pso_chain.web.api_routes import municipality_tables
from pso_chain.web.deps import AuthDep, HolderDep, SessionsDep, StampDep
from pso_chain.web.rendering import render
from pso_chain.web.results import public_explain
from pso_chain.web.security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    REPORT_CSP,
    SESSION_COOKIE,
    TooManyAttempts,
    csrf_ok,
    local_path,
    throttled,
)

router = APIRouter(include_in_schema=False)
SHOWN_ROWS = 200  # supplier rows on one page
PURCHASES_PER_PAGE = 100  # an organisation's purchases per page (a large buyer has thousands)
WHAT_IF_SUPPLIERS = 30  # current suppliers offered in the what-if form (largest spend first)
MAX_FIELDS = 2000  # form fields in one what-if
AMOUNT = re.compile(r"^\d{1,3}(\.\d{3})*(,\d+)?$|^\d+(,\d+)?$|^\d+(\.\d+)?$")
THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")
MAX_AMOUNT = 1e12  # euros: more than any organisation buys in a year

OrgId = Annotated[str, Path(min_length=1, max_length=64)]
Year = Annotated[int | None, Query(ge=1000, le=9999)]


def network(request: Request):
    return request.app.state.holder.network


async def checked_form(request: Request) -> FormData:
    """The POSTed form, refused (403) unless its CSRF token matches the cookie's. A dependency
    (reading the body is I/O, on the event loop); the handlers that use it are plain ``def``,
    so their work runs in the thread pool."""
    form = await request.form(max_files=8, max_fields=MAX_FIELDS)
    submitted = form.get(CSRF_FIELD)  # text, or an upload where a file was sent instead
    if not csrf_ok(request.cookies.get(CSRF_COOKIE), submitted if isinstance(submitted, str) else None):
        raise HTTPException(403, "CSRF token missing or wrong: reload the page and try again")
    return form


CheckedForm = Annotated[FormData, Depends(checked_form)]


def parse_amount(field: str, text: str) -> float:
    """Euros as people type them (``1.234,56``, ``70.000``, ``1234,56`` or ``1234.56``; ``€``
    and spaces ignored); bad input names the field."""
    clean = text.replace("€", "").replace(" ", "").replace("\u00a0", "")
    if not AMOUNT.match(clean):
        raise PsoInputError(Problem("form", None, field, text[:40], "not an amount in euros"))
    if "," in clean or THOUSANDS.match(clean):  # Dutch: 1.234,56 and 70.000
        clean = clean.replace(".", "").replace(",", ".")
    value = float(clean)
    if value > MAX_AMOUNT:
        raise PsoInputError(Problem("form", None, field, text[:40], "amount too large"))
    return value


@router.get("/healthz")
async def healthz() -> PlainTextResponse:
    """On the event loop (no work at all): it answers even when every pool thread is busy."""
    return PlainTextResponse("ok")


@router.get("/", response_class=HTMLResponse)
def home(request: Request):
    return render(request, "home.html")


@router.get("/suppliers", response_class=HTMLResponse)
def supplier_search(request: Request, q: Annotated[str, Query(max_length=100)] = "",
                    sbi: Annotated[str, Query(max_length=20)] = "",
                    municipalities: Annotated[str, Query(max_length=500)] = "",
                    min_level: Annotated[str, Query(max_length=20)] = "",
                    on: dt.date | None = None,
                    for_org: Annotated[str, Query(alias="for", max_length=64)] = "",
                    gain_text: Annotated[str, Query(alias="gain", max_length=30)] = "",
                    year_text: Annotated[str, Query(alias="year", max_length=4)] = ""):
    """Suppliers whose sales count on a date, ranked by credit per euro (the engine's order).
    Empty fields of the plain form mean "not given"."""
    searched = bool(request.query_params)
    gain = parse_amount("gain", gain_text) if gain_text.strip() else None
    if year_text.strip() and not (year_text.isdigit() and len(year_text) == 4):
        raise PsoInputError(Problem("form", None, "year", year_text, "not a year"))
    year = int(year_text) if year_text.strip() else None
    frame = None
    if searched:
        net = network(request)
        names: list[str | None] = [m.strip() for m in municipalities.split(",") if m.strip()] or [None]
        parts = [pso_chain.suppliers(net, on, sbi=sbi or None, municipality=m, min_level=min_level or None,
                                     for_org=for_org or None, year=year, gain_per_eur=gain)
                 for m in names[:20]]
        frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        if len(parts) > 1:  # the engine's ranking, kept across the municipalities
            frame = frame.sort_values(["yield_fte_per_meur", "org_id"], ascending=[False, True],
                                      kind="stable")
        if q.strip():
            needle = q.strip()
            frame = frame[(frame["org_id"] == needle)
                          | frame["name"].astype(str).str.contains(needle, case=False, regex=False, na=False)]
    rows = [] if frame is None else frame.head(SHOWN_ROWS).to_dict(orient="records")
    return render(request, "suppliers.html", rows=rows, total=0 if frame is None else len(frame),
                  searched=searched, has_gain=bool(for_org), has_delivers=frame is not None and
                  "delivers" in frame.columns,
                  form={"q": q, "sbi": sbi, "municipalities": municipalities,
                        "min_level": min_level, "on": on.isoformat() if on else "", "for": for_org,
                        "gain": "" if gain is None else f"{gain:g}", "year": year or ""},
                  levels=["aspirant", "1", "2", "3"])


def organisation_context(request: Request, org_id: str, year: int | None, page: int = 1) -> dict:
    """Explanation (no person rows) with one page of its purchases, the uplift plan and the
    current spend at the largest suppliers (the what-if form's fields). Only the shown page's
    rows become entries: the busiest buyers have tens of thousands."""
    net = network(request)

    def explained(page: int) -> dict:
        start = (page - 1) * PURCHASES_PER_PAGE
        return public_explain(pso_chain.explain(net, org_id, year,
                                                shown=slice(start, start + PURCHASES_PER_PAGE)))

    ex = explained(page)
    pages = max(1, -(-ex["purchase_rows"] // PURCHASES_PER_PAGE))
    if page > pages:  # past the last page: show the last
        page = pages
        ex = explained(page)
    unknown = ex.get("trede_reason") == "figures_unknown"  # no score: nothing to lift (issue 19)
    plan = ({"targets": pd.DataFrame(), "uplift": pd.DataFrame({"supplier_id": []})} if unknown
            else pso_chain.uplift(net, org_id, ex["year"]))
    spend = pso_chain.supplier_spend(net, org_id, ex["year"])
    largest = {row.supplier_id: {"name": row.supplier_name, "amount": row.amount_eur}
               for row in spend.head(WHAT_IF_SUPPLIERS).itertuples()}
    uplift = plan["uplift"]
    return {"ex": ex, "targets": plan["targets"].to_dict(orient="records"),
            "uplift": uplift[uplift["supplier_id"].notna()].to_dict(orient="records"),
            "spend": largest, "suppliers_total": len(spend), "shown": ex["purchases"], "page": page,
            "pages": pages, "purchase_rows": ex["purchase_rows"],
            "counted_n": ex["indirect"]["counted_purchases"]}


@router.get("/organisations/{org_id}", response_class=HTMLResponse)
def organisation_page(request: Request, org_id: OrgId, year: Year = None,
                      page: Annotated[int, Query(ge=1, le=10**6)] = 1):
    return render(request, "organisation.html", result=None,
                  **organisation_context(request, org_id, year, page))


@router.get("/organisations", response_class=HTMLResponse)
def organisation_lookup(request: Request, org_id: Annotated[str, Query(min_length=1, max_length=64)]):
    net = network(request)
    if hasattr(net, "node"):  # unknown: 404 here, not after a redirect (a database: on the page)
        net.node(org_id.strip())
    return RedirectResponse(f"/organisations/{quote(org_id.strip(), safe='')}", status_code=303)


@router.post("/organisations/{org_id}/what-if", response_class=HTMLResponse)
def what_if_page(request: Request, org_id: OrgId, form: CheckedForm):
    """The what-if form: a new total per current supplier (the fields hold today's amounts),
    optionally extra spend at one supplier (new or current)."""
    year_text = str(form.get("year", "")).strip()
    year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else None
    totals: dict[str, float] = {}
    for key, value in form.multi_items():
        if key.startswith("s_") and isinstance(value, str) and value.strip():
            totals[key[2:]] = parse_amount(key, value)
    extra: dict[str, float] = {}
    new_id = str(form.get("new_supplier", "")).strip()
    new_amount = str(form.get("new_amount", "")).strip()
    if new_id and new_amount:
        if new_id in totals:  # extra at a current supplier: on top of the total in its field
            totals[new_id] += parse_amount("new_amount", new_amount)
        else:
            extra[new_id] = parse_amount("new_amount", new_amount)
    context = organisation_context(request, org_id, year)
    try:
        result = pso_chain.what_if(network(request), org_id, extra, context["ex"]["year"], replace=totals)
    except PsoInputError as exc:  # an unknown supplier is bad form input here, not a 404
        raise HTTPException(400, str(exc)) from None
    return render(request, "organisation.html", result=result, **context)


@router.get("/municipalities", response_class=HTMLResponse)
def municipalities(request: Request):
    net = network(request)
    orgs = getattr(net, "organisations", None)
    counts = [] if orgs is None else [
        (str(name), int(n)) for name, n in
        orgs["municipality"].astype(str).str.strip().replace("", pd.NA).dropna().value_counts()
        .sort_index().items()]
    return render(request, "municipalities.html", counts=counts)


@router.get("/municipalities/{name}", response_class=HTMLResponse)
def municipality_page(request: Request, name: Annotated[str, Path(min_length=1, max_length=100)],
                      year: Year = None):
    tables = municipality_tables(request, name, year)
    return render(request, "municipality.html", m=tables,
                  tables={k: v.to_dict(orient="records") for k, v in tables.items()
                          if hasattr(v, "columns")})


@router.get("/municipalities/{name}/report", response_class=HTMLResponse)
def municipality_report(request: Request, name: Annotated[str, Path(min_length=1, max_length=100)],
                        year: Year = None):
    """The municipal report (``pso-chain report``), live, in the reader's language."""
    tables = municipality_tables(request, name, year)  # 404 for an unknown municipality
    holder = request.app.state.holder
    net = holder.network
    lang = request.state.t.lang
    html = holder.cached(("report", tables["municipality"], tables["year"], lang),
                         lambda: pso_chain.report(net, tables["year"], tables["municipality"], lang))
    return HTMLResponse(html, headers={"Content-Security-Policy": REPORT_CSP})


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: Annotated[str, Query(max_length=500)] = "/"):
    return render(request, "login.html", next=local_path(next), failed=False)


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, form: CheckedForm, auth: AuthDep, store: SessionsDep) -> Response:
    """A token or a user's password (scrypt, in this worker thread), at most a few failures per
    minute per client and per user (then 429); success opens a server-side session."""
    client = request.client.host if request.client else "?"
    target = local_path(str(form.get("next", "/")))
    token, name = str(form.get("token", "") or ""), str(form.get("user", "") or "")[:200]
    password = str(form.get("password", "") or "")
    try:
        if token:
            user = throttled(store, client, None, lambda: auth.check_bearer(token))
        elif name:
            user = throttled(store, client, name, lambda: auth.check_password(name, password))
        else:
            user = None
    except TooManyAttempts as exc:
        refused = render(request, "login.html", status_code=429, next=target, failed=True)
        refused.headers["Retry-After"] = str(int(exc.seconds) + 1)
        return refused
    credential = auth.credential(user.name) if user is not None else None
    if user is None or credential is None:
        return render(request, "login.html", status_code=401, next=target, failed=True)
    session = store.open(user.name, user.admin, credential)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="strict",
                        max_age=int(store.session_seconds), secure=request.url.scheme == "https")
    return response


@router.post("/logout")
def logout(request: Request, form: CheckedForm, store: SessionsDep) -> Response:
    """End the session on the server (its cookie is refused from now on) and in the browser."""
    session = request.cookies.get(SESSION_COOKIE)
    if session:
        store.close(session)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.post("/admin/reload", response_class=HTMLResponse)
def admin_reload(request: Request, form: CheckedForm, auth: AuthDep, holder: HolderDep,
                 stamp: StampDep):
    """Open the source again (admins; everyone on an unauthenticated loopback server); the
    other worker processes follow on their next request (the reload stamp)."""
    user = request.state.user
    if auth.enabled and not (user and user.admin):
        raise HTTPException(403, "only an admin may reload the data")
    holder.reload()
    stamp.announce()
    return render(request, "home.html", message=request.state.t("reloaded"))
