"""The network the server answers from: opened once at start, swapped whole on reload (an
admin's POST or SIGHUP), never per request; plus small caches of whole-network results."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pso_chain

log = logging.getLogger("pso_chain.web")
CACHE_SIZE = 16  # whole-network results kept (credits per year, municipality pages)


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
