"""The quick scan page: upload a ledger export or UBL invoices (a zip) with the PSO register
and the buyer's figures; :func:`pso_chain.quickscan` scores them.

Uploads are size-limited, written under fixed names (never the uploader's file name) into a
temporary folder that is removed when the request ends, parsed only by the loaders (never
executed or shown raw), and the result page escapes every value. The XLSX is kept in memory
for download under a random token for a short while.
"""

from __future__ import annotations

import secrets
import tempfile
import threading
import time
from collections import OrderedDict
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

import pso_chain
from pso_chain.errors import PsoInputError
from pso_chain.importing.quickscan_files import write_quickscan
from pso_chain.web.pages import checked_form
from pso_chain.web.rendering import render
from pso_chain.web.results import public_explain

router = APIRouter(include_in_schema=False)
BOOK_SUFFIXES = {".csv", ".xlsx", ".txt", ".zip", ".xml"}
LIST_SUFFIXES = {".csv", ".xlsx", ".txt"}
UBL_SUFFIXES = {".zip", ".xml"}
DOWNLOADS_KEPT = 32  # workbooks kept for download (oldest dropped)
DOWNLOAD_SECONDS = 3600
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Downloads:
    """Workbooks by random token, the newest :data:`DOWNLOADS_KEPT` for an hour."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, data: bytes) -> str:
        token = secrets.token_urlsafe(18)
        with self._lock:
            self._items[token] = (time.time(), data)
            while len(self._items) > DOWNLOADS_KEPT:
                self._items.popitem(last=False)
        return token

    def get(self, token: str) -> bytes | None:
        with self._lock:
            item = self._items.get(token)
        if item is None or time.time() - item[0] > DOWNLOAD_SECONDS:
            return None
        return item[1]


DOWNLOADS = Downloads()


async def save_upload(upload, folder: Path, name: str, allowed: set[str], limit: int) -> Path | None:
    """Write one uploaded file as ``name + suffix`` (suffix checked; the uploader's name is used
    for nothing else), reading at most ``limit`` bytes."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    suffix = Path(upload.filename.replace("\\", "/")).suffix.lower()
    if suffix not in allowed:
        raise HTTPException(400, f"{name}: use a {', '.join(sorted(allowed))} file")
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise HTTPException(413, f"{name}: larger than {limit // (1024 * 1024)} MB")
    if not data:
        raise HTTPException(400, f"{name}: the file is empty")
    path = folder / f"{name}{suffix}"
    path.write_bytes(data)
    return path


@router.get("/quickscan", response_class=HTMLResponse)
def quickscan_page(request: Request):
    return render(request, "quickscan.html", result=None)


@router.post("/quickscan", response_class=HTMLResponse)
async def quickscan_run(request: Request):
    """Score the uploaded books; the temporary folder is gone before the page is sent."""
    form = await checked_form(request)
    limit = request.app.state.max_upload_bytes
    with tempfile.TemporaryDirectory(prefix="pso-web-upload-") as tmp:
        folder = Path(tmp)
        books = await save_upload(form.get("books"), folder, "books", BOOK_SUFFIXES, limit)
        register = await save_upload(form.get("register"), folder, "register", LIST_SUFFIXES, limit)
        buyer = await save_upload(form.get("buyer"), folder, "buyer", LIST_SUFFIXES, limit)
        sw = await save_upload(form.get("sw"), folder, "sw", LIST_SUFFIXES, limit)
        figures = await save_upload(form.get("figures"), folder, "figures", LIST_SUFFIXES, limit)
        missing = [n for n, p in (("books", books), ("register", register), ("buyer", buyer)) if p is None]
        if books is None or register is None or buyer is None:
            raise HTTPException(400, f"missing file(s): {', '.join(missing)}")
        ubl = books.suffix in UBL_SUFFIXES
        try:
            result = pso_chain.quickscan(
                ledger=None if ubl else books, ubl=books if ubl else None, register=register,
                buyer=buyer, sw=sw, figures=figures, accept_review=form.get("accept_review") == "1",
                allow_missing_figures=form.get("allow_missing_figures") == "1")
        except PsoInputError as exc:  # the temporary folder's path is no business of the user
            raise HTTPException(400, str(exc).replace(str(folder) + "/", "")) from None
        workbook = write_quickscan(result, folder / "quickscan.xlsx").read_bytes()
        notes = [note.replace(str(folder) + "/", "") for note in result.notes]
    token = DOWNLOADS.put(workbook)
    plan = result.uplift
    return render(request, "quickscan.html", result=result, notes=notes, ex=public_explain(result.explain),
                  targets=plan["targets"].to_dict(orient="records") if "targets" in plan else [],
                  matches=result.match_report.head(500).to_dict(orient="records"),
                  match_columns=[c for c in ("ledger_name", "ledger_place", "status", "matched_name",
                                             "matched_kvk", "note") if c in result.match_report.columns],
                  token=token)


@router.get("/quickscan/{token}.xlsx")
def quickscan_download(token: str) -> Response:
    data = DOWNLOADS.get(token)
    if data is None:
        raise HTTPException(404, "this download has expired: run the quick scan again")
    return Response(data, media_type=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="pso-quickscan.xlsx"'})
