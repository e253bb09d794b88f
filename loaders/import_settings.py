"""The settings of import and quickscan (``data/import.toml``): thresholds, words, limits."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pso_chain.settings import TomlTable


@dataclass(frozen=True)
class ImportSettings:
    """Everything :mod:`pso_chain.importing.matching` and the import loaders tune by."""

    version: str
    accept_score: float
    review_score: float
    review_alone_score: float
    margin: float
    generic_share: float
    min_fuzzy_word: int
    block_word_max: int
    alternatives: int
    cut_lengths: frozenset[int]
    slip_min_letters: int
    legal_forms: frozenset[str]
    trade_name_markers: tuple[str, ...]
    branch_words: tuple[str, ...]
    branch_words_separated: tuple[str, ...]
    legal_form_codes: dict[str, str]
    spend_share: float
    review_no_place: bool
    place_suffixes: frozenset[str]
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


@lru_cache(maxsize=8)
def _load(path: str) -> ImportSettings:
    toml = TomlTable.read(path, "import settings file")  # the one TOML reader (pso_chain.settings)

    def words(key: str) -> tuple[str, ...]:
        value = toml.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise toml.fail(key, value, "must be a list of words")
        return tuple(v.lower() for v in value)

    def number(key: str) -> float:
        return toml.number(key, 0.0, math.inf)

    def whole(key: str, low: int, high: int) -> int:
        value = toml.number(key, low, high)
        if not value.is_integer():
            raise toml.fail(key, value, "must be a whole number")
        return int(value)

    def lengths(key: str) -> frozenset[int]:
        values = toml.numbers(key, 1)
        if not all(float(v).is_integer() for v in values):
            raise toml.fail(key, values.tolist(), "must be whole numbers of characters")
        return frozenset(int(v) for v in values)

    def mapping(key: str) -> dict[str, str]:
        value = toml.get(key)
        if not isinstance(value, dict):
            raise toml.fail(key, value, "must be a table of words")
        return {str(k).lower(): str(v).lower() for k, v in value.items()}

    return ImportSettings(
        version=str(toml.get("meta.version")),
        accept_score=number("matching.accept_score"), review_score=number("matching.review_score"),
        review_alone_score=number("matching.review_alone_score"),
        margin=number("matching.margin"), generic_share=number("matching.generic_share"),
        min_fuzzy_word=int(number("matching.min_fuzzy_word")),
        block_word_max=int(number("matching.block_word_max")),
        alternatives=int(number("matching.alternatives")),
        cut_lengths=lengths("matching.cut_lengths"),
        slip_min_letters=whole("matching.slip_min_letters", 2, 100),
        legal_forms=frozenset(words("names.legal_forms")),
        trade_name_markers=words("names.trade_name_markers"),
        branch_words=words("names.branch_words"),
        branch_words_separated=words("names.branch_words_separated"),
        legal_form_codes=mapping("names.legal_form_codes"),
        spend_share=toml.number("matching.report_spend_share", 0.0, 1.0),
        review_no_place=bool(toml.get("matching.review_without_place")),
        place_suffixes=frozenset(words("names.place_suffixes.words")),
        generic_words=frozenset(words("names.generic_words")),
        abbreviations=mapping("names.abbreviations"), places=mapping("names.places"),
        aspirant_words=words("levels.aspirant_words"), trede_words=words("levels.trede_words"),
        pso30plus_words=words("levels.pso30plus_words"),
        pso30plus_level=str(toml.get("levels.pso30plus_level")),
        zip_max_unpacked=int(number("ubl.max_unpacked_bytes")), zip_max_ratio=number("ubl.max_ratio"),
        zip_max_members=int(number("ubl.max_members")),
        max_file_bytes=int(number("ubl.max_file_bytes")),
        kvk_schemes=tuple(s.upper() for s in words("ubl.kvk_schemes")),
        currency=str(toml.get("ubl.currency")).upper(),
        source_file=path,
    )


def load_import_settings(path: str | Path | None = None) -> ImportSettings:
    """The packaged settings, or a copy of them passed as a file."""
    return _load(str(Path(path) if path is not None else default_settings_path()))
