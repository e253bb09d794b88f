"""Uploaded books, checked and scored away from the server: the quick scan runs in a child
process with a time limit, and uploaded files are checked for their shape first.

- **Shape**: a CSV or text file may have at most :data:`MAX_COLUMNS` columns and
  :data:`MAX_ROWS` lines; an XLSX (a zip) is checked like the loaders check a zip of invoices
  before openpyxl opens it — at most :data:`XLSX_MAX_MEMBERS` members, :data:`XLSX_MAX_UNPACKED`
  bytes unpacked, no member over :data:`XLSX_MAX_RATIO` times its packed size — and its sheets
  may hold at most as many rows and columns as a CSV.
- **Time**: :class:`ScanPool` runs :func:`scan_files` in one spawned child process per server
  worker (pandas imported once, then kept warm); an upload that is not done after the time
  limit gets its child killed, and the next upload gets a new one. The server's event loop and
  its memory never carry the parsing.
- **Names**: files are written under fixed names; messages name the uploader's own file
  (:func:`user_name`), never the server's temporary folder.
"""

from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing
import re
import threading
import zipfile
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path, PurePosixPath
from typing import Any

import pso_chain
from pso_chain.errors import Problem, PsoInputError
from pso_chain.importing.quickscan_files import write_quickscan
from pso_chain.web.results import public_explain

log = logging.getLogger("pso_chain.web")
MAX_COLUMNS = 500  # per uploaded table (a ledger export has a few dozen)
MAX_ROWS = 500_000  # lines per uploaded table (a large buyer's year of invoices)
MAX_LINE_BYTES = 1024 * 1024  # a header line longer than this is no table
XLSX_MAX_MEMBERS = 1_000
XLSX_MAX_UNPACKED = 200 * 1024 * 1024
XLSX_MAX_RATIO = 200  # as the loaders' limit for zips of invoices (pso_chain/data/import.toml)
SCAN_SECONDS = 300.0  # time limit of one quick scan, waiting included
SCANS_WAITING = 4  # quick scans one worker accepts at a time (one runs, the others queue)
WORKBOOK = "quickscan.xlsx"
SHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$")


class ScanTimeout(Exception):
    """The quick scan did not finish within the time limit (its process was killed)."""


class ScanBusy(Exception):
    """Too many quick scans waiting in this worker already."""


def user_name(filename: str) -> str:
    """The uploader's file name as shown back to them: the last part, printable, at most 80
    characters (never used to name anything on the server)."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable())
    return name[:80] or "upload"


def check_shape(path: Path, shown: str) -> None:
    """Refuse a file with too many rows or columns (or an XLSX that unpacks like a bomb)
    before any parser reads it; errors name ``shown``, the uploader's name of the file."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        _check_text_table(path, shown)
    elif suffix == ".xlsx":
        _check_xlsx(path, shown)


def _refuse(shown: str, value: object, reason: str) -> PsoInputError:
    return PsoInputError(Problem(shown, None, None, value, reason))


def _check_text_table(path: Path, shown: str) -> None:
    data = path.read_bytes()
    end = data.find(b"\n", 0, MAX_LINE_BYTES)
    if end < 0 and len(data) > MAX_LINE_BYTES:
        raise _refuse(shown, None, f"refused: the first line is longer than {MAX_LINE_BYTES:,} bytes")
    head = data[:end if end >= 0 else len(data)]
    columns = max(head.count(sep) for sep in (b",", b";", b"\t", b"|")) + 1
    if columns > MAX_COLUMNS:
        raise _refuse(shown, columns, f"refused: more than {MAX_COLUMNS} columns")
    rows = data.count(b"\n")
    if rows > MAX_ROWS:
        raise _refuse(shown, rows, f"refused: more than {MAX_ROWS:,} rows")


def _check_xlsx(path: Path, shown: str) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise _refuse(shown, None, "not a readable XLSX workbook") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > XLSX_MAX_MEMBERS:
            raise _refuse(shown, len(infos), f"refused: more than {XLSX_MAX_MEMBERS} parts")
        for info in infos:
            pure = PurePosixPath(info.filename.replace("\\", "/"))
            if pure.is_absolute() or ".." in pure.parts:
                raise _refuse(shown, None, "refused: a part's name points outside the workbook")
            if info.file_size > 1_000_000 and info.file_size > XLSX_MAX_RATIO * max(info.compress_size, 1):
                raise _refuse(shown, None, "refused: compression ratio of a zip bomb")
        if sum(i.file_size for i in infos) > XLSX_MAX_UNPACKED:
            raise _refuse(shown, None, f"refused: unpacks to more than {XLSX_MAX_UNPACKED:,} bytes")
        for info in infos:
            if SHEET.match(info.filename):
                with archive.open(info) as member:  # sizes in the header may lie: read at most the limit
                    sheet = member.read(XLSX_MAX_UNPACKED + 1)
                if len(sheet) > XLSX_MAX_UNPACKED:
                    raise _refuse(shown, None, f"refused: unpacks to more than {XLSX_MAX_UNPACKED:,} bytes")
                _check_sheet(sheet, shown)


def _check_sheet(xml: bytes, shown: str) -> None:
    rows = xml.count(b"<row ") + xml.count(b"<row>")
    if rows > MAX_ROWS:
        raise _refuse(shown, rows, f"refused: more than {MAX_ROWS:,} rows")
    widest = 0
    for row in xml.split(b"<row")[1:]:
        widest = max(widest, row.count(b"<c ") + row.count(b"<c>"))
        if widest > MAX_COLUMNS:
            raise _refuse(shown, widest, f"refused: more than {MAX_COLUMNS} columns")


def scan_files(folder: str, files: dict[str, str], shown: dict[str, str], accept_review: bool,
               allow_missing_figures: bool, options: dict[str, Any] | None = None,
               lang: str = "nl") -> dict[str, Any]:
    """Check and score the uploaded files (in the child process): the page's context, or
    ``{"error": message}`` for bad input, in the page's language ``lang``. ``options`` are the
    page's optional fields (``year``, ``vat``, ``mapping``). The workbook is written into
    ``folder``."""
    paths = {role: Path(path) for role, path in files.items()}
    try:
        for role, path in paths.items():
            check_shape(path, shown[role])
        books = paths["books"]
        ubl = books.suffix in (".zip", ".xml")
        result = pso_chain.quickscan(
            ledger=None if ubl else books, ubl=books if ubl else None, register=paths["register"],
            buyer=paths["buyer"], sw=paths.get("sw"), figures=paths.get("figures"),
            overrides=paths.get("overrides"), accept_review=accept_review,
            allow_missing_figures=allow_missing_figures, **(options or {}))
    except PsoInputError as exc:
        return {"error": exc.describe(lang)}
    write_quickscan(result, Path(folder) / WORKBOOK)
    plan = result.uplift
    return {"result": {"year": result.year, "credits": dict(result.credits)}, "notes": list(result.notes),
            "ex": public_explain(result.explain),
            "targets": plan["targets"].to_dict(orient="records") if "targets" in plan else [],
            "matches": result.match_report.head(500).to_dict(orient="records"),
            "match_columns": [c for c in ("ledger_name", "ledger_place", "status", "matched_name",
                                          "matched_kvk", "note") if c in result.match_report.columns]}


class ScanPool:
    """One warm child process per server worker for the quick scan, killed at the time limit."""

    def __init__(self, seconds: float = SCAN_SECONDS) -> None:
        self.seconds = seconds
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(SCANS_WAITING)  # threads of the pool kept free

    def _executor(self) -> concurrent.futures.ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = concurrent.futures.ProcessPoolExecutor(
                    max_workers=1, mp_context=multiprocessing.get_context("spawn"))
            return self._pool

    def run(self, *args: Any) -> dict[str, Any]:
        """:func:`scan_files` ``(*args)`` in the child; :class:`ScanTimeout` after the limit,
        :class:`ScanBusy` when :data:`SCANS_WAITING` scans are under way here already (each
        holds one of the server's threads while it waits)."""
        if not self._slots.acquire(blocking=False):
            raise ScanBusy
        try:
            return self._run(args)
        finally:
            self._slots.release()

    def _run(self, args: tuple) -> dict[str, Any]:
        pool = self._executor()
        future = pool.submit(scan_files, *args)
        try:
            return future.result(timeout=self.seconds)
        except concurrent.futures.TimeoutError:
            log.warning("quick scan over %.0f s: its process is stopped", self.seconds)
            self._kill(pool)
            raise ScanTimeout from None
        except BrokenProcessPool:  # killed for another upload's time limit, or out of memory
            self._kill(pool)
            raise ScanTimeout from None

    def _kill(self, pool: concurrent.futures.ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is pool:
                self._pool = None
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """At the server's end: the idle child exits by itself; one still scanning is killed
        after a few seconds."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is None:
            return
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
