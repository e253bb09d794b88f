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

from pso_chain.importing.importer import ACCEPT_REVIEW_NOTE, MISSING_FIGURES_NOTE
from pso_chain.messages import readable
from pso_chain.web.deps import ConfigDep, DownloadsDep, ScansDep
from pso_chain.web.i18n import Text
from pso_chain.web.pages import CheckedForm
from pso_chain.web.rendering import render
from pso_chain.web.uploads import WORKBOOK, ScanBusy, ScanTimeout, user_name

router = APIRouter(include_in_schema=False)
BOOK_SUFFIXES = {".csv", ".xlsx", ".txt", ".zip", ".xml"}
LIST_SUFFIXES = {".csv", ".xlsx", ".txt"}
ROLES = (("books", BOOK_SUFFIXES), ("register", LIST_SUFFIXES), ("buyer", LIST_SUFFIXES),
         ("sw", LIST_SUFFIXES), ("figures", LIST_SUFFIXES), ("overrides", LIST_SUFFIXES))
# The command line's options named in messages from the library, and the page's field that
# does the same (longest first: "--figures FILE" before "--figures").
OPTION_FIELDS = (("--allow-missing-figures", "qs_allow_missing"), ("--accept-review", "qs_accept_review"),
                 ("--figures FILE", "qs_figures"), ("--figures BESTAND", "qs_figures"),
                 ("--figures", "qs_figures"), ("--overrides", "qs_overrides"),
                 ("--register", "qs_register"), ("--buyer", "qs_buyer"), ("--sw", "qs_sw"),
                 ("--map", "qs_map"), ("--vat", "qs_vat"), ("--year", "qs_year"))
NOTE_KEYS = {ACCEPT_REVIEW_NOTE: ("qs_note_accept_review", "qs_accept_review"),
             MISSING_FIGURES_NOTE: ("qs_note_missing_figures", "qs_allow_missing")}
MAX_MAP_LINES = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def save_upload(upload, folder: Path, name: str, allowed: set[str], limit: int, t: Text) -> Path | None:
    """Write one uploaded file as ``name + suffix`` (suffix checked; the uploader's name is used
    for nothing else), reading at most ``limit`` bytes."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    shown = user_name(upload.filename)
    suffix = Path(upload.filename.replace("\\", "/")).suffix.lower()
    if suffix not in allowed:
        raise HTTPException(400, t("qs_bad_suffix", file=shown, allowed=", ".join(sorted(allowed))))
    upload.file.seek(0)
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        raise HTTPException(413, t("qs_too_big", file=shown, mb=limit // (1024 * 1024)))
    if not data:
        raise HTTPException(400, t("qs_empty_file", file=shown))
    path = folder / f"{name}{suffix}"
    path.write_bytes(data)
    return path


def in_user_terms(text: str, folder: Path, saved: dict[str, str], shown: dict[str, str],
                  t: Text | None = None) -> str:
    """``text`` with the server's paths of the uploaded files replaced by the uploader's names
    of them (and any other mention of the temporary folder removed), and the command line's
    options by the page's fields that do the same."""
    for role, path in saved.items():
        for spelled in {path, str(Path(path).resolve())}:
            text = text.replace(spelled, shown[role])
    for spelled in {str(folder.resolve()), str(folder)}:
        text = text.replace(spelled + "/", "").replace(spelled, "")
    if t is not None:
        for option, key in OPTION_FIELDS:
            text = text.replace(option, t("qs_field", label=t(key)))
    return text


def page_note(note: str, t: Text) -> str | None:
    """A note of the scan in the page's words (None for one the page shows otherwise)."""
    if note in NOTE_KEYS:
        key, box = NOTE_KEYS[note]
        return t(key, label=t(box))
    return None


def scan_options(form, t: Text) -> dict:
    """The page's optional fields as the scan's options: year, VAT percentage, column mapping
    (``Kolom=veld`` per line); a bad value is a 400 naming the field."""
    options: dict = {}
    year = str(form.get("year") or "").strip()
    if year:
        if not (year.isdigit() and 1900 <= int(year) <= 2200):
            raise HTTPException(400, t("qs_bad_year"))
        options["year"] = int(year)
    vat = str(form.get("vat") or "").strip().replace(",", ".")
    if vat:
        try:
            value = float(vat)
        except ValueError:
            value = -1.0
        if not 0 <= value <= 100:
            raise HTTPException(400, t("qs_bad_vat"))
        options["vat"] = value
    lines = [x.strip() for x in str(form.get("map") or "").splitlines() if x.strip()]
    for k, line in enumerate(lines[:MAX_MAP_LINES + 1], start=1):
        if "=" not in line or k > MAX_MAP_LINES or len(line) > 200:
            raise HTTPException(400, t("qs_bad_map", line=k))
    if lines:
        options["mapping"] = lines
    return options


@router.get("/quickscan", response_class=HTMLResponse)
def quickscan_page(request: Request):
    return render(request, "quickscan.html", result=None)


@router.post("/quickscan", response_class=HTMLResponse)
def quickscan_run(request: Request, form: CheckedForm, config: ConfigDep, scans: ScansDep,
                  downloads: DownloadsDep):
    """Score the uploaded books; the temporary folder is gone before the page is sent."""
    t: Text = getattr(request.state, "t", Text())
    limit = config.max_upload_bytes
    options = scan_options(form, t)
    with tempfile.TemporaryDirectory(prefix="pso-web-upload-") as tmp:
        folder = Path(tmp)
        saved: dict[str, str] = {}
        shown: dict[str, str] = {}
        for role, allowed in ROLES:
            upload = form.get(role)
            path = save_upload(upload, folder, role, allowed, limit, t)
            if path is not None and isinstance(upload, UploadFile):
                saved[role], shown[role] = str(path), user_name(upload.filename or role)
        missing = [role for role in ("books", "register", "buyer") if role not in saved]
        if missing:
            raise HTTPException(400, t("qs_missing_files", files=", ".join(t(f"qs_{m}") for m in missing)))
        try:
            context = scans.run(tmp, saved, shown, form.get("accept_review") == "1",
                                form.get("allow_missing_figures") == "1", options, t.lang)
        except ScanTimeout:
            raise HTTPException(503, t("qs_too_slow")) from None
        except ScanBusy:
            raise HTTPException(503, t("qs_busy"), headers={"Retry-After": "60"}) from None
        if "error" in context:
            raise HTTPException(400, in_user_terms(context["error"], folder, saved, shown, t))
        context["notes"] = [page_note(n, t) or in_user_terms(readable(n, t.lang), folder, saved, shown, t)
                            for n in context["notes"]]
        for row in context["matches"]:
            row["note"] = in_user_terms(str(row.get("note") or ""), folder, saved, shown, t)
        token = downloads.put((folder / WORKBOOK).read_bytes())
    return render(request, "quickscan.html", token=token, **context)


@router.get("/quickscan/{token}.xlsx")
def quickscan_download(token: str, downloads: DownloadsDep) -> Response:
    data = downloads.get(token)
    if data is None:
        raise HTTPException(404, Text()("qs_expired"))
    return Response(data, media_type=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="pso-quickscan.xlsx"'})
