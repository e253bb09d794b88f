"""The server's configuration and the network it answers from: opened once at start,
swapped whole on reload (an admin's POST, SIGHUP, or another worker's reload seen through the
reload stamp), never per request; plus small caches of whole-network results."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pso_chain
from pso_chain.api.buyers import prepare

log = logging.getLogger("pso_chain.web")
CACHE_SIZE = 16  # whole-network results kept (credits per year, municipality pages)


@dataclass(frozen=True)
class ServeConfig:
    """Everything a worker needs to serve, built once by ``pso-chain serve`` and handed down
    (to each worker process as JSON).

    ``data_dir`` keeps the server's secret and the session store (the user's data folder;
    None: ``run_dir``, which makes sessions end with the server). ``run_dir`` keeps this run's
    downloads and reload stamp (None: a new temporary folder).
    """

    source: str | None = None
    rules: str | None = None
    token_env: str | None = None
    users: str | None = None
    max_upload_bytes: int = 20 * 1024 * 1024
    bind: str = "127.0.0.1"
    allowed_hosts: tuple[str, ...] = ()
    data_dir: str | None = None
    run_dir: str | None = None
    session_seconds: float = 8 * 3600.0
    head_seconds: float = 10.0
    body_seconds: float = 120.0
    scan_seconds: float = 300.0

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self))

    @classmethod
    def from_json(cls, text: str) -> ServeConfig:
        values = json.loads(text)
        values["allowed_hosts"] = tuple(values.get("allowed_hosts") or ())
        return cls(**{f.name: values[f.name] for f in dataclasses.fields(cls) if f.name in values})


class ReloadStamp:
    """A file whose change tells every worker process to open the source again: the worker
    that reloads touches it, the others see it on their next request (one ``stat``)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self.seen = self._read()

    def _read(self) -> int:
        try:
            return self.path.stat().st_mtime_ns
        except OSError:
            return 0

    def announce(self) -> None:
        """Tell the other workers (this one has reloaded already)."""
        with self._lock:
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}")
            tmp.write_text(str(time.time_ns()), encoding="ascii")
            os.replace(tmp, self.path)
            self.seen = self._read()

    def changed(self) -> bool:
        """Whether another worker reloaded since this one last looked (true once per change)."""
        now = self._read()
        with self._lock:
            if now == self.seen:
                return False
            self.seen = now
            return True


class NetworkHolder:
    """Holds the opened network; readers take ``holder.network`` (a reference swapped
    atomically), a reload opens the source again in the calling thread."""

    def __init__(self, source: str | Path | None, rules: str | Path | None = None,
                 network: pso_chain.PurchaseNetwork | pso_chain.DatabaseNetwork | None = None):
        self.source = source
        self.rules = rules
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple, Any] = OrderedDict()
        self.network = network if network is not None else self._open()
        self.loaded_at = time.time()

    def _open(self):
        started = time.perf_counter()
        network = pso_chain.open(self.source, self.rules)
        prepare(network)  # the lookups of the first requests, built before any is answered
        log.info("opened %s in %.1f s", self.source, time.perf_counter() - started)
        return network

    def reload(self) -> None:
        """Open the source again and swap it in (requests in flight finish on the old one)."""
        if self.source is None:
            return
        network = self._open()
        with self._lock:
            self.network = network
            self._cache.clear()
            self.loaded_at = time.time()

    def follow(self, stamp: ReloadStamp) -> None:
        """Reload in the background when another worker has (requests meanwhile are answered
        from the network in hand)."""
        if stamp.changed():
            threading.Thread(target=self.reload, name="pso-reload", daemon=True).start()

    def cached(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per key and network (least recently used dropped)."""
        network = self.network
        full = (id(network), *key)
        with self._lock:
            if full in self._cache:
                self._cache.move_to_end(full)
                return self._cache[full]
        value = compute()
        with self._lock:
            self._cache[full] = value
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return value
