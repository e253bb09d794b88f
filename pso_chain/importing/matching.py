"""Match ledger suppliers to the PSO register and the SW-bedrijven list.

KvK first (8 digits; a 12-digit vestigingsnummer is not a KvK). Otherwise the normalised name
(:mod:`pso_chain.loaders.names`) plus postcode or place, scored with rapidfuzz over a block of
candidates (same 4 postcode digits, same place, or a shared uncommon word), never the whole
register. Three outcomes:

- ``accepted``: the distinctive words are equal (generic trade words may carry a typo only when
  long), the place agrees, and no other candidate in that place comes close;
- ``review``: plausible (a high score, a shared distinctive word, two candidates close together,
  a place that disagrees, a KvK in the ledger that points elsewhere): never counts until a
  person confirms it (``--overrides``) or ``--accept-review`` is given;
- ``unmatched``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from pso_chain.loaders.import_settings import ImportSettings
from pso_chain.loaders.names import (
    name_variants,
    name_variants_many,
    normalise_place,
    postcode4,
    postcode4_many,
    repair_words,
)

REPORT_COLUMNS = ["ledger_name", "ledger_kvk", "ledger_place", "amount_eur", "status", "method",
                  "score", "matched_kvk", "matched_name", "matched_level"]
EXTRA_COLUMNS = ["ledger_postcode", "matched_place", "matched_source", "note", "alternatives"]
CANDIDATE_COLUMNS = ["kvk", "name", "place", "postcode", "level", "source"]
PREFIX = 3  # letters of a word that must agree for a candidate in the same place to be scored


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


def _by_key(keys: list[str]) -> KeyIndex:
    """Positions of each non-empty key."""
    arr = np.array(keys, dtype=object)
    at = np.arange(len(arr), dtype=np.int64)
    filled = arr != ""
    return KeyIndex(arr[filled], at[filled], len(arr))


def build_index(candidates: pd.DataFrame, settings: ImportSettings) -> CandidateIndex:
    """Prepare the candidates (columns :data:`CANDIDATE_COLUMNS`, one row per KvK)."""
    frame = candidates.reset_index(drop=True)
    variants = name_variants_many(frame["name"].tolist(), settings)
    joined = np.array([" ".join(v[0]) for v in variants], dtype=object)
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
                          {p: k for k, p in enumerate(prefix_names.tolist())})


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


def _words_agree(a: tuple[str, ...], b: tuple[str, ...], index: CandidateIndex,
                 settings: ImportSettings) -> bool:
    """The same words on both sides, where only long generic words may differ by a typo."""
    if len(a) != len(b):
        return False
    rest_b = list(b)
    for w in a:
        if w in rest_b:
            rest_b.remove(w)
            continue
        if w not in index.generic or len(w) < settings.min_fuzzy_word:
            return False
        close = [x for x in rest_b if x in index.generic and len(x) >= settings.min_fuzzy_word
                 and fuzz.ratio(w, x) >= settings.accept_score and Levenshtein.distance(w, x) <= 2]
        if not close:
            return False
        rest_b.remove(close[0])
    return not rest_b


def _name_score(query: tuple[tuple[str, ...], ...], cand: tuple[tuple[str, ...], ...]) -> float:
    return max(fuzz.token_sort_ratio(" ".join(q), " ".join(c)) for q in query for c in cand)


def _block(words: set[str], place: str, pc4: str, index: CandidateIndex) -> np.ndarray:
    """Candidates sharing an uncommon word or pair of words, the 4 postcode digits, or the
    place together with the first letters of a word."""
    known = [c for c in (index.words.get(w) for w in sorted(words)) if c is not None]
    parts = [p for p in (index.by_word.get(c) for c in known) if p is not None]
    n = len(index.words)
    for k, a in enumerate(known):
        for b in known[k + 1:]:
            found = index.by_pair.get(min(a, b) * n + max(a, b))
            if found is not None:
                parts.append(found)
    in_place = index.by_place.get(place) if place else None
    if in_place is not None:
        mask = np.zeros(len(index.joined), dtype=bool)
        for p in {w[:PREFIX] for w in words}:
            found = index.by_prefix.get(index.prefix_codes[p]) if p in index.prefix_codes else None
            if found is not None:
                mask[found] = True
        parts.append(in_place[mask[in_place]])
    in_pc4 = index.by_pc4.get(pc4) if pc4 else None
    if in_pc4 is not None:
        parts.append(in_pc4)
    if not parts:
        return np.empty(0, dtype=np.int64)
    return np.unique(np.concatenate(parts))


def match_one(name: str, kvk: str, place_raw: str, postcode_raw: str, index: CandidateIndex,
              settings: ImportSettings) -> dict:
    """The match of one ledger supplier: status, method, score, candidate and why."""
    out = {"status": "unmatched", "method": "", "score": np.nan, "candidate": -1, "note": "",
           "alternatives": ""}
    if kvk and kvk in index.by_kvk:
        out.update(status="accepted", method="kvk", score=100.0, candidate=index.by_kvk[kvk],
                   note="KvK number found")
        return out
    query = tuple(repair_words(v, settings) for v in name_variants(name, settings))
    place = normalise_place(place_raw, settings)
    pc4 = postcode4(postcode_raw)
    words = {w for v in query for w in v}
    block = _block(words, place, pc4, index)
    if len(block) == 0:
        out["note"] = "no candidate shares a word, the place or the postcode"
        return out
    main = " ".join(query[0])
    scores = process.cdist([main], index.joined[block].tolist(), scorer=fuzz.token_sort_ratio,
                           dtype=np.float64)[0]
    alt = np.flatnonzero(index.n_variants[block] > 1) if len(query) == 1 else range(len(block))
    for k in alt:
        scores[k] = max(scores[k], _name_score(query, index.variants[block[k]]))
    agrees = np.zeros(len(block), dtype=bool)
    if pc4:
        agrees |= index.pc4[block] == int(pc4)
    if place in index.place_codes:
        agrees |= index.place[block] == index.place_codes[place]
    ranked = np.lexsort((-scores, ~agrees)) if agrees.any() else np.argsort(-scores, kind="stable")
    best_k = int(ranked[0])
    if agrees.any() and scores[best_k] < settings.review_score:  # a better name elsewhere
        best_k = int(np.argmax(scores))
    best, score = int(block[best_k]), float(scores[best_k])
    top = np.argsort(-scores, kind="stable")[: settings.alternatives + 1]
    out["alternatives"] = "; ".join(
        f"{index.kvk[block[k]]} {index.names[block[k]]} ({index.places[block[k]]}, {scores[k]:.0f})"
        for k in top if block[k] != best)
    shared = words & {w for v in index.variants[best] for w in v} - index.generic
    q_words, c_words = set(query[0]), set(index.variants[best][0])
    contained = q_words <= c_words or c_words <= q_words  # "Jansen" within "Bouwbedrijf Jansen"
    partial = fuzz.token_set_ratio(main, index.joined[best]) if shared and contained else 0.0
    if not ((shared and max(score, partial) >= settings.review_score)
            or score >= settings.review_alone_score):
        out.update(score=score, note="best candidate too far off")
        return out
    out.update(status="review", method="name", score=score, candidate=best)
    same_words = any(_words_agree(q, c, index, settings) for q in query for c in index.variants[best])
    close = agrees & (scores >= score - settings.margin) & (index.kvk[block] != index.kvk[best])
    close[best_k] = False
    if same_words and score >= 100.0:  # an exact name: only another exact name is a rival
        close &= scores >= 100.0
    rivals = np.flatnonzero(close)
    if not agrees[best_k]:
        out["note"] = "place or postcode differs (another branch?)" if (place or pc4) else \
            "no place or postcode in the ledger"
    elif kvk:
        out["note"] = f"ledger KvK {kvk} is not in the register or SW list"
    elif not same_words:
        out["note"] = "names differ in a distinctive word (one letter may be another company)"
    elif score < settings.accept_score:
        out["note"] = "score below the accept threshold"
    elif len(rivals):
        out["note"] = f"{len(rivals)} other candidate(s) close in the same place"
    else:
        out.update(status="accepted", note="name and place agree")
    return out


def match_suppliers(suppliers: pd.DataFrame, candidates: pd.DataFrame, settings: ImportSettings,
                    index: CandidateIndex | None = None) -> pd.DataFrame:
    """The match report: one row per ledger supplier (:data:`REPORT_COLUMNS` + extras).

    ``suppliers`` has ``ledger_name, ledger_kvk, ledger_place, ledger_postcode, amount_eur``;
    ``candidates`` :data:`CANDIDATE_COLUMNS` (one row per KvK, register and SW list together).
    """
    index = index or prepared_index(candidates, settings)
    rows = []
    for s in suppliers.itertuples(index=False):
        found = match_one(s.ledger_name, s.ledger_kvk, s.ledger_place, s.ledger_postcode, index,
                          settings)
        j = found["candidate"]
        cand = index.frame.iloc[j] if j >= 0 else None
        rows.append({
            "ledger_name": s.ledger_name, "ledger_kvk": s.ledger_kvk, "ledger_place": s.ledger_place,
            "amount_eur": s.amount_eur, "status": found["status"], "method": found["method"],
            "score": found["score"],
            "matched_kvk": cand["kvk"] if cand is not None else "",
            "matched_name": cand["name"] if cand is not None else "",
            "matched_level": cand["level"] if cand is not None else "",
            "ledger_postcode": s.ledger_postcode,
            "matched_place": cand["place"] if cand is not None else "",
            "matched_source": cand["source"] if cand is not None else "",
            "note": found["note"], "alternatives": found["alternatives"],
        })
    return pd.DataFrame(rows, columns=REPORT_COLUMNS + EXTRA_COLUMNS)
