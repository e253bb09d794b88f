"""The quick scan page: upload a ledger export or UBL invoices (a zip) with the PSO register
and the buyer's figures; :func:`pso_chain.quickscan` scores them.

Uploads are size-limited (by :class:`~pso_chain.web.limits.Gate` on the bytes received and
here per file), written under fixed names (never the uploader's file name) into a temporary
folder that is removed before the response is sent, checked for their shape and scored in a
child process with a time limit (:mod:`pso_chain.web.uploads`), never executed or shown raw;
messages name the uploader's own files. The workbook is kept on disk for download under a
signed random id (:mod:`pso_chain.web.downloads`), so any worker process can hand it out.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from pso_chain.web.deps import ConfigDep, DownloadsDep, ScansDep
from pso_chain.web.pages import CheckedForm
from pso_chain.web.rendering import render
from pso_chain.web.uploads import WORKBOOK, ScanBusy, ScanTimeout, user_name

router = APIRouter(include_in_schema=False)
BOOK_SUFFIXES = {".csv", ".xlsx", ".txt", ".zip", ".xml"}
LIST_SUFFIXES = {".csv", ".xlsx", ".txt"}
ROLES = (("books", BOOK_SUFFIXES), ("register", LIST_SUFFIXES), ("buyer", LIST_SUFFIXES),
         ("sw", LIST_SUFFIXES), ("figures", LIST_SUFFIXES))
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def save_upload(upload, folder: Path, name: str, allowed: set[str], limit: int) -> Path | None:
    """Write one uploaded file as ``name + suffix`` (suffix checked; the uploader's name is used
    for nothing else), reading at most ``limit`` bytes."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    shown = user_name(upload.filename)
    suffix = Path(upload.filename.replace("\\", "/")).suffix.lower()
    if suffix not in allowed:
        raise HTTPException(400, f"{shown}: use a {', '.join(sorted(allowed))} file")
    upload.file.seek(0)
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        raise HTTPException(413, f"{shown}: larger than {limit // (1024 * 1024)} MB")
    if not data:
        raise HTTPException(400, f"{shown}: the file is empty")
    path = folder / f"{name}{suffix}"
    path.write_bytes(data)
    return path


def in_user_terms(text: str, folder: Path, saved: dict[str, str], shown: dict[str, str]) -> str:
    """``text`` with the server's paths of the uploaded files replaced by the uploader's names
    of them (and any other mention of the temporary folder removed)."""
    for role, path in saved.items():
        for spelled in {path, str(Path(path).resolve())}:
            text = text.replace(spelled, shown[role])
    for spelled in {str(folder.resolve()), str(folder)}:
        text = text.replace(spelled + "/", "").replace(spelled, "")
    return text


@router.get("/quickscan", response_class=HTMLResponse)
def quickscan_page(request: Request):
    return render(request, "quickscan.html", result=None)


@router.post("/quickscan", response_class=HTMLResponse)
def quickscan_run(request: Request, form: CheckedForm, config: ConfigDep, scans: ScansDep,
                  downloads: DownloadsDep):
    """Score the uploaded books; the temporary folder is gone before the page is sent."""
    limit = config.max_upload_bytes
    with tempfile.TemporaryDirectory(prefix="pso-web-upload-") as tmp:
        folder = Path(tmp)
        saved: dict[str, str] = {}
        shown: dict[str, str] = {}
        for role, allowed in ROLES:
            upload = form.get(role)
            path = save_upload(upload, folder, role, allowed, limit)
            if path is not None and isinstance(upload, UploadFile):
                saved[role], shown[role] = str(path), user_name(upload.filename or role)
        missing = [role for role in ("books", "register", "buyer") if role not in saved]
        if missing:
            raise HTTPException(400, f"missing file(s): {', '.join(missing)}")
        try:
            context = scans.run(tmp, saved, shown, form.get("accept_review") == "1",
                                      form.get("allow_missing_figures") == "1")
        except ScanTimeout:
            raise HTTPException(503, "the quick scan took too long and was stopped: try smaller "
                                     "files, or run pso-chain quickscan on your own machine") from None
        except ScanBusy:
            raise HTTPException(503, "the server is busy with other quick scans: try again in a "
                                     "minute", headers={"Retry-After": "60"}) from None
        if "error" in context:
            raise HTTPException(400, in_user_terms(context["error"], folder, saved, shown))
        context["notes"] = [in_user_terms(n, folder, saved, shown) for n in context["notes"]]
        token = downloads.put((folder / WORKBOOK).read_bytes())
    return render(request, "quickscan.html", token=token, **context)


@router.get("/quickscan/{token}.xlsx")
def quickscan_download(token: str, downloads: DownloadsDep) -> Response:
    data = downloads.get(token)
    if data is None:
        raise HTTPException(404, "this download has expired: run the quick scan again")
    return Response(data, media_type=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="pso-quickscan.xlsx"'})
