"""The report's texts: the ``[report]`` table of the message catalogue (:mod:`pso_chain.messages`).

Dutch is the default: the users (municipalities, buyers, PSO holders) are Dutch. Texts with
``{placeholders}`` are filled by :meth:`Labels.__call__`; numbers arrive already formatted by
the language's :class:`~pso_chain.outputs.display.Formatter`.
"""

from __future__ import annotations

from pso_chain import messages
from pso_chain.messages import LANGUAGES
from pso_chain.outputs.display import Formatter

__all__ = ["LANGUAGES", "Labels"]

class Labels:
    """The texts of one language: ``lab("key", **values)``, plus helpers for tredes, buyer
    groups and indicators, and the language's number :class:`Formatter` as ``fmt``."""

    def __init__(self, lang: str = "nl"):
        self.lang = messages.check_language(lang)
        self.fmt = Formatter(lang)

    def __call__(self, key: str, **values) -> str:
        return messages.text(f"report.{key}", self.lang, **values)

    def trede(self, trede) -> str:
        """``trede 2`` / ``geen trede`` for a trede value (``"none"``, NA or 0 for none)."""
        text = "" if trede is None else str(trede)
        if text in ("", "none", "0", "<NA>", "nan"):
            return self("no_trede")
        return self("trede_n", n=text)

    def buyer_group(self, group: str) -> str:
        key = "group_" + group.replace(" ", "_")
        return self(key) if messages.has(f"report.{key}") else group

    def indicator(self, name: str, meaning: str = "") -> str:
        """Label of a ``chain_stats`` indicator (its own ``meaning`` when this file has none)."""
        key = f"ind_{name}"
        return self(key) if messages.has(f"report.{key}") else (meaning or name)
