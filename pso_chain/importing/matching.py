"""Match ledger suppliers to the PSO register and the SW-bedrijven list.

A KvK number is a strong hint, never the whole proof: the name must confirm it (a ledger may
hold the holding's or a sister's KvK). Otherwise the normalised name
(:mod:`pso_chain.loaders.names`) plus postcode or place, compared with a block of candidates
(:mod:`pso_chain.importing.candidates`). Names agree when their words are equal — where "v.d."
may be van der, van den or van de, a long generic trade word may carry a typo, a compound may be
written in two words ("Presikhaafbedrijven"), the place may stand in the name ("Lucrato
Apeldoorn") and a name cut off by the ERP's field length is a prefix. Legal forms are
evidence: "X V.O.F." and "X B.V." in one place are two firms; "X Holding" is not "X". Outcomes:

- ``accepted``: the name agrees, the place or postcode agrees, and no other candidate there
  agrees as well (or the KvK is confirmed by the name);
- ``review``: plausible but not certain: never counts until a person confirms it
  (``--overrides``) or ``--accept-review`` is given;
- ``unmatched``.

Every row carries its evidence (which of KvK, name, place, postcode and legal form agree) and
the runner-up with why it lost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from pso_chain.importing.candidates import (
    CANDIDATE_COLUMNS,
    HEAD,
    PREFIX,
    CandidateIndex,
    build_index,
    prepared_index,
)
from pso_chain.loaders.import_settings import ImportSettings
from pso_chain.loaders.names import (
    key_words,
    legal_form,
    name_variants,
    normalise_place,
    postcode4,
    repair_words,
    same_word,
)

__all__ = ["CANDIDATE_COLUMNS", "REPORT_COLUMNS", "EVIDENCE_COLUMNS", "EXTRA_COLUMNS",
           "build_index", "match_one", "match_suppliers"]

REPORT_COLUMNS = ["ledger_name", "ledger_kvk", "ledger_place", "amount_eur", "status", "method",
                  "score", "matched_kvk", "matched_name", "matched_level"]
EVIDENCE_COLUMNS = ["kvk_agrees", "name_agrees", "place_agrees", "postcode_agrees",
                    "legal_form_agrees", "runner_up", "runner_up_lost"]
EXTRA_COLUMNS = ["ledger_postcode", "matched_place", "matched_source", "note", "alternatives",
                 "spend_share"]
TOP = 12     # candidates of a block compared word by word
CUT_MIN = 25  # a ledger name this long may have been cut off by the ERP's field length
EXACT, CUT = 2, 1


@dataclass
class Query:
    """A ledger supplier as compared."""

    raw: str
    variants: tuple[tuple[str, ...], ...]
    form: str
    place: str
    pc4: str
    words: set[str]


@dataclass
class Compared:
    """One candidate against the query: how the names agree, and the other evidence."""

    j: int
    same: int          # EXACT, CUT or 0
    score: float
    how: str
    place: bool | None
    postcode: bool | None
    form: bool | None

    @property
    def here(self) -> bool:
        return bool(self.place or self.postcode)


def _words_agree(a: tuple[str, ...], b: tuple[str, ...], index: CandidateIndex,
                 settings: ImportSettings) -> bool:
    """The same words on both sides (in any order), where only long generic words may differ
    by a typo and "vd" stands for van der/van den/van de."""
    if len(a) != len(b):
        return False
    rest_b = list(b)
    for w in a:
        hit = next((x for x in rest_b if same_word(w, x)), None)
        if hit is not None:
            rest_b.remove(hit)
            continue
        if w not in index.generic or len(w) < settings.min_fuzzy_word:
            return False
        close = [x for x in rest_b if x in index.generic and len(x) >= settings.min_fuzzy_word
                 and fuzz.ratio(w, x) >= settings.accept_score and Levenshtein.distance(w, x) <= 2]
        if not close:
            return False
        rest_b.remove(close[0])
    return not rest_b


def _without(words: tuple[str, ...], part: tuple[str, ...]) -> tuple[str, ...] | None:
    """``words`` without the consecutive words ``part`` (None when not there or all of it)."""
    n = len(part)
    for k in range(len(words) - n + 1):
        if words[k:k + n] == part and len(words) > n:
            return words[:k] + words[k + n:]
    return None


def _cut_prefix(q: tuple[str, ...], c: tuple[str, ...]) -> bool:
    """``q`` is ``c`` cut off: every word equal but the last, which begins the next word of c."""
    if len(q) < 2 or len(q) > len(c):
        return False
    head = all(same_word(a, b) for a, b in zip(q[:-1], c, strict=False))
    last, then = q[-1], c[len(q) - 1]
    return head and then.startswith(last) and (len(q) < len(c) or last != then)


def _compare(query: Query, j: int, index: CandidateIndex, settings: ImportSettings) -> Compared:
    cand_place = str(index.place_norm[j])
    places = [tuple(p.split()) for p in {cand_place, query.place} if p]
    same, how, score = 0, "", 0.0
    for q in query.variants:
        for c in index.variants[j]:
            forms = [(q, c, "")]
            for pw in places:  # the place written inside one of the names
                q2, c2 = _without(q, pw), _without(c, pw)
                if q2 is not None and _without(c, pw) is None:
                    forms.append((q2, c, "the place in the ledger's name"))
                if c2 is not None and _without(q, pw) is None:
                    forms.append((q, c2, "the place in the register's name"))
            for qq, cc, why in forms:
                score = max(score, fuzz.token_sort_ratio(" ".join(key_words(qq)), " ".join(key_words(cc))))
                if same == EXACT:
                    continue
                if _words_agree(qq, cc, index, settings):
                    same, how = EXACT, why or "same words"
                elif "".join(qq) == "".join(cc):
                    same, how = EXACT, "same words, one written as a compound"
                elif len(query.raw) >= CUT_MIN and _cut_prefix(qq, cc):
                    same, how = CUT, f"ledger name cut off at {len(query.raw)} characters"
    if same:
        score = max(score, 100.0 if same == EXACT else settings.accept_score)
    cand_pc = index.pc4[j]
    return Compared(
        j, same, float(score), how,
        place=(cand_place == query.place) if query.place and cand_place else None,
        postcode=(int(query.pc4) == cand_pc) if query.pc4 and cand_pc >= 0 else None,
        form=(index.forms[j] == query.form) if query.form and index.forms[j] else None)


def _block(query: Query, index: CandidateIndex) -> np.ndarray:
    """Candidates sharing an uncommon word or pair of words, the 4 postcode digits, the place
    together with the first letters of a word, or the first letters of the name."""
    words = query.words
    known = [c for c in (index.words.get(w) for w in sorted(words)) if c is not None]
    parts = [p for p in (index.by_word.get(c) for c in known) if p is not None]
    n = len(index.words)
    for k, a in enumerate(known):
        for b in known[k + 1:]:
            found = index.by_pair.get(min(a, b) * n + max(a, b))
            if found is not None:
                parts.append(found)
    in_place = index.by_place.get(query.place) if query.place else None
    if in_place is not None:
        mask = np.zeros(len(index.joined), dtype=bool)
        for p in {w[:PREFIX] for w in words}:
            found = index.by_prefix.get(index.prefix_codes[p]) if p in index.prefix_codes else None
            if found is not None:
                mask[found] = True
        parts.append(in_place[mask[in_place]])
    in_pc4 = index.by_pc4.get(query.pc4) if query.pc4 else None
    if in_pc4 is not None:
        parts.append(in_pc4)
    for v in query.variants:
        head = "".join(key_words(v))[:HEAD]
        found = index.by_head.get(head) if len(head) == HEAD else None
        if found is not None:
            parts.append(found)
    if not parts:
        return np.empty(0, dtype=np.int64)
    return np.unique(np.concatenate(parts))


def _query(name: str, place_raw: str, postcode_raw: str, index: CandidateIndex,
           settings: ImportSettings) -> Query:
    variants = tuple(repair_words(v, settings, index.words) for v in name_variants(name, settings))
    return Query(str(name), variants, legal_form(name, settings), normalise_place(place_raw, settings),
                 postcode4(postcode_raw), {w for v in variants for w in v})


def _ranked(query: Query, index: CandidateIndex, settings: ImportSettings) -> list[Compared]:
    """The block's best candidates compared word by word, best first."""
    block = _block(query, index)
    if len(block) == 0:
        return []
    best = np.zeros(len(block))
    for v in query.variants:
        main = " ".join(key_words(v))
        for scorer, choices in ((fuzz.token_sort_ratio, index.joined), (fuzz.token_set_ratio, index.joined),
                                (fuzz.ratio, index.nospace)):
            text = main.replace(" ", "") if scorer is fuzz.ratio else main
            best = np.maximum(best, process.cdist([text], choices[block].tolist(), scorer=scorer,
                                                  dtype=np.float64)[0])
    top = block[np.argsort(-best, kind="stable")[:TOP]]
    found = [_compare(query, int(j), index, settings) for j in top]
    return sorted(found, key=lambda c: (-c.same, not c.here, -c.score))


def _plausible(query: Query, c: Compared, index: CandidateIndex, settings: ImportSettings) -> bool:
    """Worth a person's look: a distinctive word shared and a fair score, a very high score, or
    one name within the other where the rest is generic ("Noord Transport" / "Noord Transport
    Holding B.V.") in the same place."""
    cand = {w for v in index.variants[c.j] for w in v}
    shared = query.words & cand - index.generic
    q_words, c_words = set(query.variants[0]), set(index.variants[c.j][0])
    contained = q_words <= c_words or c_words <= q_words  # "Jansen" within "Bouwbedrijf Jansen"
    partial = fuzz.token_set_ratio(" ".join(query.variants[0]), index.joined[c.j]) \
        if shared and contained else 0.0
    if contained and c.here and q_words & c_words and (q_words ^ c_words) <= index.generic:
        return True
    return bool((shared and max(c.score, partial) >= settings.review_score)
                or c.score >= settings.review_alone_score)


def _lost(winner: Compared, other: Compared, index: CandidateIndex) -> str:
    """Why the runner-up is not the match."""
    if other.same and winner.same and other.here == winner.here and other.form == winner.form:
        return "as good a match: a person decides"
    if other.same and not other.here and winner.here:
        return f"another place ({index.places[other.j]})"
    if other.same and other.form is False and winner.form is not False:
        return f"another legal form ({index.forms[other.j]})"
    if other.same < winner.same:
        return f"the name differs (score {other.score:.0f})"
    return f"weaker (score {other.score:.0f})"


def _decide(query: Query, ranked: list[Compared], index: CandidateIndex,
            settings: ImportSettings) -> tuple[str, Compared | None, str, list[Compared]]:
    """(status, chosen, note, rivals) from the candidates compared."""
    if not ranked:
        return "unmatched", None, "no candidate shares a word, the place or the postcode", []
    level = ranked[0].same
    same = [c for c in ranked if c.same == level] if level else []
    here = [c for c in same if c.here]
    if query.form and len(here) > 1:  # "X V.O.F." beside "X B.V.": the form decides
        with_form = [c for c in here if c.form]
        here = with_form or [c for c in here if c.form is not False] or here
    if here:
        chosen = here[0]
        if len(here) > 1:
            return "review", chosen, f"{len(here)} candidates with this name in this place", here[1:]
        others = [c for c in same if c.j != chosen.j and not c.here]
        if chosen.form is False and any(c.form for c in same if c.j != chosen.j):
            return "review", chosen, "the legal form differs, and the register holds one that agrees", []
        return "accepted", chosen, f"name and place agree ({chosen.how})", others
    if same:
        chosen = same[0]
        if query.place or query.pc4:
            return "review", chosen, "place or postcode differs (another branch?)", same[1:]
        if len(same) == 1 and not settings.review_no_place and query.words - index.generic:
            return "accepted", chosen, f"no place in the ledger; the only candidate with this name " \
                                       f"({chosen.how})", []
        return "review", chosen, "no place or postcode in the ledger", same[1:]
    chosen = next((c for c in ranked if _plausible(query, c, index, settings)), None)
    if chosen is None:
        return "unmatched", None, "best candidate too far off", []
    extra = {w for v in index.variants[chosen.j] for w in v} ^ query.words
    if "holding" in extra:
        return "review", chosen, "one name says Holding, the other not: a holding is another firm " \
                                 "than its operating company", []
    return "review", chosen, "names differ in a word (one letter may be another company)", []


def _kvk_confirmed(query: Query, c: Compared, index: CandidateIndex) -> bool:
    """The KvK's registered name confirms the ledger's: the same words, or one name within the
    other where the extra words are generic trade words ("Jansen" / "Bouwbedrijf Jansen"), never
    "holding", and a distinctive word is shared."""
    if c.same:
        return True
    cand = {w for v in index.variants[c.j] for w in v}
    for q in query.variants:
        qs = set(q)
        shared = (qs & cand) - index.generic
        extra = (qs ^ cand)
        if shared and (qs <= cand or cand <= qs) and extra <= index.generic and "holding" not in extra:
            return True
    return False


def match_one(name: str, kvk: str, place_raw: str, postcode_raw: str, index: CandidateIndex,
              settings: ImportSettings) -> dict:
    """The match of one ledger supplier: status, method, score, candidate, note and evidence."""
    query = _query(name, place_raw, postcode_raw, index, settings)
    ranked = _ranked(query, index, settings)
    status, chosen, note, rivals = _decide(query, ranked, index, settings)
    method = "name" if chosen is not None else ""
    if kvk and kvk in index.by_kvk:
        j = index.by_kvk[kvk]
        own = next((c for c in ranked if c.j == j), None) or _compare(query, j, index, settings)
        if not str(name).strip() or str(name).strip() == kvk:
            status, chosen, method, rivals = "accepted", own, "kvk", []
            note = "KvK number found; the ledger gives no name"
        elif _kvk_confirmed(query, own, index):
            status, chosen, method, rivals = "accepted", own, "kvk", [c for c in ranked if c.j != j]
            note = "KvK number found; the name agrees" + (f" ({own.how})" if own.same else " in part")
        elif status == "accepted" and chosen is not None and chosen.j != j:
            status, method = "review", "name"
            note = (f"the ledger's KvK {kvk} is {index.names[j]!r} in the register; the name matches "
                    f"{index.names[chosen.j]!r} (KvK {index.kvk[chosen.j]})")
        else:
            shared = query.words & {w for v in index.variants[j] for w in v} - index.generic
            status, chosen, method = "review", own, "kvk"
            note = (f"KvK {kvk} is {index.names[j]!r} in the register, the ledger says {name!r}"
                    + ("" if shared else ": no distinctive word in common"))
            rivals = [c for c in ranked if c.j != j]
    elif kvk and status == "accepted":
        status, note = "review", f"ledger KvK {kvk} is not in the register or SW list"
    out = {"status": status, "method": method, "score": np.nan if chosen is None else chosen.score,
           "candidate": -1 if chosen is None else chosen.j, "note": note, "alternatives": "",
           "kvk_agrees": None, "name_agrees": None, "place_agrees": None, "postcode_agrees": None,
           "legal_form_agrees": None, "runner_up": "", "runner_up_lost": ""}
    shown = [c for c in ranked if chosen is None or c.j != chosen.j][: settings.alternatives]
    out["alternatives"] = "; ".join(
        f"{index.kvk[c.j]} {index.names[c.j]} ({index.places[c.j]}, {c.score:.0f})" for c in shown)
    if chosen is None:
        return out
    out.update(kvk_agrees=_flag(kvk == index.kvk[chosen.j]) if kvk else None,
               name_agrees=bool(chosen.same), place_agrees=_flag(chosen.place),
               postcode_agrees=_flag(chosen.postcode), legal_form_agrees=_flag(chosen.form))
    runner = next((c for c in rivals + ranked if c.j != chosen.j
                   and index.kvk[c.j] != index.kvk[chosen.j]), None)
    if runner is not None:
        out["runner_up"] = f"{index.kvk[runner.j]} {index.names[runner.j]} ({index.places[runner.j]})"
        out["runner_up_lost"] = _lost(chosen, runner, index)
    return out


def _flag(value) -> bool | None:
    return None if value is None else bool(value)


def _spend_share(amounts: pd.Series) -> np.ndarray:
    """Each supplier's place in the spend: the cumulative share of the spend up to and
    including it, largest first."""
    values = amounts.astype(float).clip(lower=0).to_numpy()
    total = values.sum()
    order = np.argsort(-values, kind="stable")
    share = np.empty(len(values))
    share[order] = np.cumsum(values[order]) / total if total > 0 else 1.0
    return share


def match_suppliers(suppliers: pd.DataFrame, candidates: pd.DataFrame, settings: ImportSettings,
                    index: CandidateIndex | None = None) -> pd.DataFrame:
    """The match report: one row per ledger supplier, largest spend first
    (:data:`REPORT_COLUMNS`, :data:`EVIDENCE_COLUMNS`, :data:`EXTRA_COLUMNS`).

    ``suppliers`` has ``ledger_name, ledger_kvk, ledger_place, ledger_postcode, amount_eur``;
    ``candidates`` :data:`CANDIDATE_COLUMNS` (one row per KvK, register and SW list together).
    An unmatched supplier among those making up ``settings.spend_share`` of the spend gets its
    best candidates from the whole register when its block found none.
    """
    index = index or prepared_index(candidates, settings)
    share = _spend_share(suppliers["amount_eur"]) if len(suppliers) else np.empty(0)
    rows = []
    for k, s in enumerate(suppliers.itertuples(index=False)):
        found = match_one(s.ledger_name, s.ledger_kvk, s.ledger_place, s.ledger_postcode, index,
                          settings)
        j = found.pop("candidate")
        if found["status"] == "unmatched" and not found["alternatives"] and len(index.joined) \
                and share[k] - s.amount_eur / max(suppliers["amount_eur"].sum(), 1e-9) < settings.spend_share:
            found["alternatives"] = _whole_register(s.ledger_name, index, settings)
        cand = index.frame.iloc[j] if j >= 0 else None
        rows.append({
            "ledger_name": s.ledger_name, "ledger_kvk": s.ledger_kvk, "ledger_place": s.ledger_place,
            "amount_eur": s.amount_eur, **found,
            "matched_kvk": cand["kvk"] if cand is not None else "",
            "matched_name": cand["name"] if cand is not None else "",
            "matched_level": cand["level"] if cand is not None else "",
            "ledger_postcode": s.ledger_postcode,
            "matched_place": cand["place"] if cand is not None else "",
            "matched_source": cand["source"] if cand is not None else "",
            "spend_share": share[k],
        })
    report = pd.DataFrame(rows, columns=REPORT_COLUMNS + EVIDENCE_COLUMNS + EXTRA_COLUMNS)
    return report.sort_values(["amount_eur", "ledger_name"], ascending=[False, True],
                              kind="stable").reset_index(drop=True)


def _whole_register(name: str, index: CandidateIndex, settings: ImportSettings) -> str:
    """The best candidates of a name in the whole register (a large unmatched supplier)."""
    text = " ".join(key_words(name_variants(name, settings)[0]))
    found = process.extract(text, index.joined.tolist(), scorer=fuzz.token_set_ratio,
                            limit=settings.alternatives)
    return "; ".join(f"{index.kvk[j]} {index.names[j]} ({index.places[j]}, {score:.0f})"
                     for _, score, j in found if score > 0)
