"""The register and SW list prepared once for matching: normalised names, words, legal forms
and blocks (:class:`CandidateIndex`), so that each ledger supplier is compared with a block of
candidates (same 4 postcode digits, same place with a word's first letters, a shared uncommon
word or pair of words, or the same first letters of the name written without spaces), never
with the whole register."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pso_chain.loaders.import_settings import ImportSettings
from pso_chain.loaders.names import (
    full_postcodes,
    key_words,
    legal_forms_many,
    name_variants_many,
    normalise_place,
    postcode4_many,
)

CANDIDATE_COLUMNS = ["kvk", "name", "place", "postcode", "level", "source"]
PREFIX = 3  # letters of a word that must agree for a candidate in the same place to be scored
HEAD = 5    # first letters of the name without spaces: compounds and names cut off


@dataclass
class CandidateIndex:
    """The register and SW list prepared once: normalised names, words and blocks."""

    frame: pd.DataFrame
    variants: list[tuple[tuple[str, ...], ...]]
    joined: np.ndarray          # the main variant per candidate, words joined by spaces
    place: np.ndarray           # normalised place as a code (see place_codes)
    pc4: np.ndarray             # the 4 postcode digits as a number, -1 when none
    generic: frozenset[str]
    by_word: KeyIndex           # word code -> candidates (uncommon words only)
    by_place: KeyIndex
    by_pc4: KeyIndex
    by_kvk: dict[str, int]
    kvk: np.ndarray
    n_variants: np.ndarray
    by_prefix: KeyIndex         # prefix code -> candidates
    place_codes: dict[str, int]
    names: np.ndarray
    places: np.ndarray
    words: dict[str, int]       # word -> word code
    by_pair: KeyIndex           # pair of word codes -> candidates (uncommon pairs only)
    prefix_codes: dict[str, int]
    nospace: np.ndarray         # the main variant's words (as scored) without spaces
    forms: list[str]            # the legal form each name states ('' when none)
    place_norm: np.ndarray      # normalised place text
    by_head: KeyIndex           # first HEAD letters of ``nospace`` -> candidates
    postcode: np.ndarray        # the full postcode ('1234AB'), '' when not a full one
    by_slip: KeyIndex           # a word with one letter left out -> candidates (see slip_keys)


def slip_keys(word: str, shortest: int) -> list[str]:
    """The word and the word with each one letter left out: two words one slip of a letter
    apart (a letter missing, added, changed, or two neighbours swapped) share one of these keys
    (a symmetric-delete neighbourhood, as in SymSpell). Words shorter than ``shortest`` (the
    settings' ``slip_min_letters``) get none."""
    if len(word) < shortest:
        return []
    return list(dict.fromkeys([word, *(word[:k] + word[k + 1:] for k in range(len(word)))]))


def _slip_index(uniques: list[str], codes: np.ndarray, word_at: np.ndarray, most: int,
                shortest: int) -> KeyIndex:
    """Candidates per slip key of their words (keys shared by more than ``most`` left out)."""
    keys_of = [slip_keys(w, shortest) for w in uniques]
    sizes = np.fromiter((len(k) for k in keys_of), dtype=np.int64, count=len(keys_of))
    flat = np.array([k for ks in keys_of for k in ks], dtype=object)
    start = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    per = sizes[codes]                      # keys of each word occurrence
    at = np.repeat(word_at, per)
    offset = np.arange(per.sum()) - np.repeat(np.cumsum(per) - per, per)
    keys = flat[np.repeat(start[codes], per) + offset] if len(flat) else flat
    pairs = pd.DataFrame({"k": keys, "at": at}).drop_duplicates()
    return KeyIndex(pairs["k"].to_numpy(dtype=object), pairs["at"].to_numpy(dtype=np.int64), most)


def _flat(lists: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Items of many lists in one array, with the position of the list each came from."""
    sizes = np.fromiter((len(x) for x in lists), dtype=np.int64, count=len(lists))
    items = np.array([w for x in lists for w in x], dtype=object)
    return items, np.repeat(np.arange(len(lists), dtype=np.int64), sizes)


class KeyIndex:
    """Candidate positions per key (a word, a pair of words, a prefix, a place), for keys found
    at most ``most`` times: one sort, no Python loop per candidate."""

    def __init__(self, keys: np.ndarray, at: np.ndarray, most: int):
        if len(keys) == 0:
            self.lookup: dict = {}
            self.bounds, self.at = np.zeros(1, dtype=np.int64), at
            return
        codes, uniques = pd.factorize(keys)
        counts = np.bincount(codes, minlength=len(uniques))
        keep = counts <= most
        order = np.argsort(codes, kind="stable")
        sorted_codes = codes[order]
        kept_rows = keep[sorted_codes]
        self.at = at[order][kept_rows]
        self.lookup = {k: i for i, k in enumerate(np.asarray(uniques)[keep].tolist())}
        self.bounds = np.concatenate([[0], np.cumsum(counts[keep])])

    def get(self, key) -> np.ndarray | None:
        k = self.lookup.get(key)
        return None if k is None else self.at[self.bounds[k]:self.bounds[k + 1]]

    def __contains__(self, key) -> bool:
        return key in self.lookup


def _pair_keys(codes: np.ndarray, at: np.ndarray, n_words: int) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of distinct words of a candidate as one integer (codes grouped by candidate)."""
    keys, where = [], []
    for d in range(1, 8):
        if d >= len(codes):
            break
        same = at[:-d] == at[d:]
        if not same.any():
            break
        a, b = codes[:-d][same], codes[d:][same]
        keys.append(np.minimum(a, b) * n_words + np.maximum(a, b))
        where.append(at[:-d][same])
    if not keys:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    return np.concatenate(keys), np.concatenate(where)


def _by_key(keys: list[str], most: int | None = None) -> KeyIndex:
    """Positions of each non-empty key (keys found more than ``most`` times left out)."""
    arr = np.array(keys, dtype=object)
    at = np.arange(len(arr), dtype=np.int64)
    filled = arr != ""
    return KeyIndex(arr[filled], at[filled], len(arr) if most is None else most)


def build_index(candidates: pd.DataFrame, settings: ImportSettings) -> CandidateIndex:
    """Prepare the candidates (columns :data:`CANDIDATE_COLUMNS`, one row per KvK)."""
    frame = candidates.reset_index(drop=True)
    variants = name_variants_many(frame["name"].tolist(), settings)
    joined = np.array([" ".join(key_words(v[0])) for v in variants], dtype=object)
    nospace = np.array([j.replace(" ", "") for j in joined.tolist()], dtype=object)
    raw_places = frame["place"].astype(str)
    place_of = {p: normalise_place(p, settings) for p in raw_places.unique()}  # a few hundred
    places = raw_places.map(place_of).tolist()
    pcs = postcode4_many(frame["postcode"].astype(str).tolist())
    seen = [sorted(set(vs[0])) if len(vs) == 1 else sorted({w for v in vs for w in v}) for vs in variants]
    words, word_at = _flat(seen)
    limit = max(settings.generic_share * len(frame), 2.0)
    codes, uniques = pd.factorize(words)
    counts = np.bincount(codes, minlength=len(uniques))
    generic = frozenset(uniques[counts > limit].tolist()) | settings.generic_words
    words_index = {w: k for k, w in enumerate(np.asarray(uniques).tolist())}
    by_word = KeyIndex(codes, word_at, settings.block_word_max)
    by_pair = KeyIndex(*_pair_keys(codes, word_at, len(uniques)), settings.block_word_max)
    prefix_codes, prefix_names = pd.factorize(
        np.array([u[:PREFIX] for u in uniques.tolist()], dtype=object))
    width = len(prefix_names) + 1  # one entry per candidate and prefix
    per_candidate = np.unique(word_at * width + prefix_codes[codes])
    by_prefix = KeyIndex(per_candidate % width, per_candidate // width, len(frame))
    place_code, place_names = pd.factorize(np.array(places, dtype=object), sort=True)
    place_codes = {p: k for k, p in enumerate(place_names.tolist())}
    kvks = frame["kvk"].to_numpy(dtype=object)
    return CandidateIndex(frame, variants, joined, place_code.astype(np.int64),
                          np.array([int(p) if p else -1 for p in pcs], dtype=np.int64), generic,
                          by_word,
                          _by_key(places), _by_key(pcs),
                          {k: i for i, k in enumerate(kvks.tolist()) if k},
                          frame["kvk"].to_numpy(dtype=object),
                          np.array([len(v) for v in variants], dtype=np.int64),
                          by_prefix, place_codes, frame["name"].to_numpy(dtype=object),
                          frame["place"].to_numpy(dtype=object), words_index, by_pair,
                          {p: k for k, p in enumerate(prefix_names.tolist())},
                          nospace, legal_forms_many(frame["name"].astype(str).tolist(), settings),
                          np.array(places, dtype=object),
                          _by_key([n[:HEAD] if len(n) >= HEAD else "" for n in nospace.tolist()],
                                  settings.block_word_max),
                          np.array(full_postcodes(frame["postcode"].astype(str).tolist()), dtype=object),
                          _slip_index(np.asarray(uniques).tolist(), codes, word_at, settings.block_word_max,
                                      settings.slip_min_letters))


_PREPARED: dict[tuple, CandidateIndex] = {}


def prepared_index(candidates: pd.DataFrame, settings: ImportSettings) -> CandidateIndex:
    """:func:`build_index`, kept for the last two registers seen (a web page or notebook that
    scans several ledgers against one register prepares it once)."""
    key = (int(pd.util.hash_pandas_object(candidates, index=False).sum()), len(candidates), id(settings))
    if key not in _PREPARED:
        while len(_PREPARED) >= 2:
            _PREPARED.pop(next(iter(_PREPARED)))
        _PREPARED[key] = build_index(candidates, settings)
    return _PREPARED[key]
