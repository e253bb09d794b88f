"""The settings of import and quickscan (``data/import.toml``): thresholds, words, limits."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pso_chain.errors import Problem, PsoInputError
from pso_chain.rules import read_toml


@dataclass(frozen=True)
class ImportSettings:
    """Everything :mod:`pso_chain.matching` and the import loaders tune by."""

    version: str
    accept_score: float
    review_score: float
    review_alone_score: float
    margin: float
    generic_share: float
    min_fuzzy_word: int
    block_word_max: int
    alternatives: int
    legal_forms: frozenset[str]
    trade_name_markers: tuple[str, ...]
    branch_words: tuple[str, ...]
    generic_words: frozenset[str]
    abbreviations: dict[str, str]
    places: dict[str, str]
    aspirant_words: tuple[str, ...]
    trede_words: tuple[str, ...]
    pso30plus_words: tuple[str, ...]
    pso30plus_level: str
    zip_max_unpacked: int
    zip_max_ratio: float
    zip_max_members: int
    max_file_bytes: int
    kvk_schemes: tuple[str, ...]
    currency: str
    source_file: str


def default_settings_path() -> Path:
    return Path(str(resources.files("pso_chain.data").joinpath("import.toml")))


def _get(raw: dict, dotted: str, name: str):
    node = raw
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            raise PsoInputError(Problem(name, None, dotted, None, "missing setting"))
        node = node[part]
    return node


@lru_cache(maxsize=8)
def _load(path: str) -> ImportSettings:
    raw = read_toml(Path(path), "import settings file")

    def words(key: str) -> tuple[str, ...]:
        value = _get(raw, key, path)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise PsoInputError(Problem(path, None, key, value, "must be a list of words"))
        return tuple(v.lower() for v in value)

    def number(key: str) -> float:
        value = _get(raw, key, path)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise PsoInputError(Problem(path, None, key, value, "must be a number >= 0"))
        return float(value)

    def mapping(key: str) -> dict[str, str]:
        value = _get(raw, key, path)
        if not isinstance(value, dict):
            raise PsoInputError(Problem(path, None, key, value, "must be a table of words"))
        return {str(k).lower(): str(v).lower() for k, v in value.items()}

    return ImportSettings(
        version=str(_get(raw, "meta.version", path)),
        accept_score=number("matching.accept_score"), review_score=number("matching.review_score"),
        review_alone_score=number("matching.review_alone_score"),
        margin=number("matching.margin"), generic_share=number("matching.generic_share"),
        min_fuzzy_word=int(number("matching.min_fuzzy_word")),
        block_word_max=int(number("matching.block_word_max")),
        alternatives=int(number("matching.alternatives")),
        legal_forms=frozenset(words("names.legal_forms")),
        trade_name_markers=words("names.trade_name_markers"),
        branch_words=words("names.branch_words"),
        generic_words=frozenset(words("names.generic_words")),
        abbreviations=mapping("names.abbreviations"), places=mapping("names.places"),
        aspirant_words=words("levels.aspirant_words"), trede_words=words("levels.trede_words"),
        pso30plus_words=words("levels.pso30plus_words"),
        pso30plus_level=str(_get(raw, "levels.pso30plus_level", path)),
        zip_max_unpacked=int(number("ubl.max_unpacked_bytes")), zip_max_ratio=number("ubl.max_ratio"),
        zip_max_members=int(number("ubl.max_members")),
        max_file_bytes=int(number("ubl.max_file_bytes")),
        kvk_schemes=tuple(s.upper() for s in words("ubl.kvk_schemes")),
        currency=str(_get(raw, "ubl.currency", path)).upper(),
        source_file=path,
    )


def load_import_settings(path: str | Path | None = None) -> ImportSettings:
    """The packaged settings, or a copy of them passed as a file."""
    return _load(str(Path(path) if path is not None else default_settings_path()))
