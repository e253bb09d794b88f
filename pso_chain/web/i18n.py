"""The pages' words and number formats: Dutch by default (``€ 1.234,56``, ``31-12-2025``,
ja/nee), English on ``?lang=en`` (remembered in a cookie). The words are the ``[web]`` table of
the message catalogue (:mod:`pso_chain.messages`), shared with every other front-end."""

from __future__ import annotations

from dataclasses import dataclass

from pso_chain import messages
from pso_chain.messages import DEFAULT_LANGUAGE
from pso_chain.messages import LANGUAGES as LANGS
from pso_chain.outputs.display import Formatter

__all__ = ["LANGS", "LANG_COOKIE", "Text", "pick_lang"]

LANG_COOKIE = "pso_lang"


def pick_lang(query: str | None, cookie: str | None) -> str:
    for value in (query, cookie):
        if value in LANGS:
            return value
    return DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Text:
    """Words of one language and its number formats (:class:`pso_chain.outputs.display.Formatter`,
    shared with the terminal, the XLSX writer and the report), handed to templates as ``t``."""

    lang: str = "nl"

    @property
    def fmt(self) -> Formatter:
        return Formatter(self.lang)

    def __call__(self, key: str, **values: object) -> str:
        """The word or sentence ``key`` in this language (``name`` of the ``[web]`` table, or
        ``section.name`` of any), ``{placeholders}`` filled (the template escapes the result)."""
        full = key if "." in key else f"web.{key}"
        return messages.maybe(full, self.lang, key, **values)

    def num(self, value, decimals: int = 0) -> str:
        return self.fmt.number(value, decimals)

    def pct(self, value, decimals: int = 2) -> str:
        return self.fmt.pct(value, decimals)

    def eur(self, value, decimals: int = 0) -> str:
        return self.fmt.eur(value, decimals)

    def date(self, value) -> str:
        return self.fmt.date(value)

    def yesno(self, value) -> str:
        return self.fmt.boolean(value)

    def trede(self, value) -> str:
        return self.fmt.trede(value)

    def code(self, value) -> str:
        """A code of the engine (a reason, a status, a method) in this language's words."""
        return self.fmt.code(value)
