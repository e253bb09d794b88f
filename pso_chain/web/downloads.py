"""Quick-scan workbooks kept for download on disk, so that any worker process can hand out
what another one made: one 0600 file per workbook in the server's run folder, named by a
random id that carries an HMAC signature (a guessed or altered id is refused before the disk
is asked), kept for an hour, at most :data:`DOWNLOADS_KEPT` of them."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import time
from pathlib import Path

DOWNLOADS_KEPT = 64
DOWNLOAD_SECONDS = 3600
DOWNLOAD_ID = re.compile(r"^[A-Za-z0-9_-]{24}\.[0-9a-f]{32}$")


class Downloads:
    """Workbooks by signed random id in ``folder`` (see the module's docstring)."""

    def __init__(self, folder: str | Path, secret: bytes) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.secret = secret

    def _sign(self, token: str) -> str:
        return hmac.new(self.secret, b"download\0" + token.encode(), hashlib.sha256).hexdigest()[:32]

    def put(self, data: bytes) -> str:
        """Keep ``data``; returns its id."""
        self._prune()
        token = secrets.token_urlsafe(18)
        path = self.folder / f"{token}.xlsx"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        return f"{token}.{self._sign(token)}"

    def get(self, download_id: str) -> bytes | None:
        """The workbook under ``download_id``, or None (unknown, altered, expired)."""
        if not DOWNLOAD_ID.match(download_id):
            return None
        token, _, signature = download_id.partition(".")
        if not hmac.compare_digest(signature, self._sign(token)):
            return None
        path = self.folder / f"{token}.xlsx"
        try:
            if time.time() - path.stat().st_mtime > DOWNLOAD_SECONDS:
                return None
            return path.read_bytes()
        except OSError:
            return None

    def _prune(self) -> None:
        """Drop expired workbooks and the oldest beyond :data:`DOWNLOADS_KEPT`."""
        try:
            files = sorted(((p.stat().st_mtime, p) for p in self.folder.glob("*.xlsx")), reverse=True)
        except OSError:
            return
        now = time.time()
        for n, (mtime, path) in enumerate(files):
            if n >= DOWNLOADS_KEPT - 1 or now - mtime > DOWNLOAD_SECONDS:
                path.unlink(missing_ok=True)
