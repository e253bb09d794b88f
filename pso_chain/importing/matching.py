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

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from pso_chain.importing.candidates import (
    CANDIDATE_COLUMNS,
    HEAD,
    PREFIX,
    CandidateIndex,
    build_index,
    prepared_index,
    slip_keys,
)
from pso_chain.importing.compare import (
    CUT,
    CUT_MIN,
    TOP,
    Compared,
    Query,
    compare,
    make_query,
    says_holding,
)
from pso_chain.loaders.import_settings import ImportSettings
from pso_chain.loaders.names import key_words, name_variants

__all__ = ["CANDIDATE_COLUMNS", "REPORT_COLUMNS", "EVIDENCE_COLUMNS", "EXTRA_COLUMNS",
           "build_index", "match_one", "match_suppliers"]

REPORT_COLUMNS = ["ledger_name", "ledger_kvk", "ledger_place", "amount_eur", "status", "method",
                  "score", "matched_kvk", "matched_name", "matched_level"]
EVIDENCE_COLUMNS = ["kvk_agrees", "name_agrees", "place_agrees", "postcode_agrees",
                    "legal_form_agrees", "runner_up", "runner_up_lost"]
EXTRA_COLUMNS = ["ledger_postcode", "matched_place", "matched_source", "note", "alternatives",
                 "spend_share"]
def _block(query: Query, index: CandidateIndex, settings: ImportSettings) -> np.ndarray:
    """Candidates sharing an uncommon word or pair of words (or a word one slip of a letter
    away), the 4 postcode digits, the place together with the first letters of a word, or the
    first letters of the name."""
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
    for w in words:  # a word with a slip of a letter ("Dotirdo" / "Dotrido")
        for key in slip_keys(w, settings.slip_min_letters):
            found = index.by_slip.get(key)
            if found is not None:
                parts.append(found)
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


def _ranked(query: Query, index: CandidateIndex, settings: ImportSettings) -> list[Compared]:
    """The block's best candidates compared word by word, best first."""
    block = _block(query, index, settings)
    if len(block) == 0:
        return []
    here = np.zeros(len(block), dtype=bool)  # the place or postcode agrees: never crowded out
    if query.place in index.place_codes:     # by the same name elsewhere
        here |= index.place[block] == index.place_codes[query.place]
    if query.pc4:
        here |= index.pc4[block] == int(query.pc4)
    picked: set[int] = set()
    for scorer, choices in ((fuzz.token_sort_ratio, index.joined), (fuzz.token_set_ratio, index.joined),
                            (fuzz.ratio, index.nospace)):
        best = np.zeros(len(block))  # the best of each way of scoring: a subset scores 100 in
        for v in query.variants:     # token_set_ratio for many names, so never one list alone
            main = " ".join(key_words(v))
            text = main.replace(" ", "") if scorer is fuzz.ratio else main
            best = np.maximum(best, process.cdist([text], choices[block].tolist(), scorer=scorer,
                                                  dtype=np.float64)[0])
        picked.update(block[np.argsort(-best, kind="stable")[:TOP]].tolist())
        if here.any():
            picked.update(block[here][np.argsort(-best[here], kind="stable")[:TOP]].tolist())
    if query.maybe_cut or len(query.raw) >= CUT_MIN:  # a name cut off: the names it begins
        heads = set()                                # ("Stichting Maatschappelijk Werk" among
        for v in query.variants:                     # many "... Werk <place>")
            words = key_words(v)
            heads.add("".join(words))
            if len(words) > 1 and len(words[-1]) <= 3:
                heads.add("".join(words[:-1]))
        starts = [int(j) for j, text in zip(block, index.nospace[block], strict=True)
                  if any(text.startswith(h) for h in heads if len(h) >= settings.slip_min_letters)]
        picked.update(starts[:TOP])
    found = [compare(query, int(j), index, settings) for j in sorted(picked)]
    return sorted(found, key=lambda c: (-c.same, not c.here, -c.score))


def _plausible(query: Query, c: Compared, index: CandidateIndex, settings: ImportSettings) -> bool:
    """Worth a person's look although the words differ: a slip of a letter, not another firm.

    Where: the postcode agrees, or the place where one side has no postcode, or the ledger names
    neither (then only the name speaks); an SW-bedrijf (a public body, a short list, working in
    many places) needs no place. What: the names differ by one letter (:attr:`Compared.slip`),
    or both have as many words, none says Holding where the other does not, and the score is
    high."""
    sw_body = "sw" in str(index.frame["source"].iat[c.j])
    where = (c.postcode or (c.postcode is None and c.place) or sw_body
             or not (query.place or query.pc4))
    if not where:
        return False
    if c.slip:
        return True
    cand = {w for v in index.variants[c.j] for w in v}
    if says_holding(cand) != (says_holding(query.words) or query.cut_holding):
        return False
    lengths = {len(v) for v in index.variants[c.j]}
    own = len(query.place_words) if query.place_words and query.variants[0][-len(query.place_words):] == \
        query.place_words else 0  # "Verhuisbedrijf Krmaer ALMERE": the place is not a word of the name
    if not any(len(q) in lengths or len(q) - own in lengths for q in query.variants):
        return False
    return c.score >= settings.review_alone_score or (
        bool(query.words & cand - index.generic) and c.score >= settings.accept_score - 10)


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
    if len(same) > 1:  # "X V.O.F." beside "X B.V.": the form decides, then the word order
        same = sorted(same, key=lambda c: (not c.here, c.postcode is False, c.form is False, not c.ordered,
                                           index.forms[c.j] != query.form, -c.score))
    here = [c for c in same if c.here]
    if len(here) > 1:  # a postcode that contradicts ranks below one that agrees or is unknown
        here = [c for c in here if c.postcode is not False] or here
    if len(here) > 1:
        ordered = [c for c in here if c.ordered]
        here = ordered or here
    if query.form and len(here) > 1:
        here = [c for c in here if c.form] or [c for c in here if c.form is not False] or here
    if here:
        chosen = here[0]
        if len(here) > 1:
            return "review", chosen, f"{len(here)} candidates with this name in this place", here[1:]
        others = [c for c in same if c.j != chosen.j]
        if chosen.form is False:
            return "review", chosen, (f"the legal form differs ({query.form} in the ledger, "
                                      f"{index.forms[chosen.j]} in the register): another firm?"), others
        if chosen.postcode is False:  # a namesake in the same town
            return "unmatched", None, f"the same name in the same place, at another postcode " \
                                      f"({index.frame['postcode'].iat[chosen.j]})", []
        if not chosen.ordered:
            return "review", chosen, "the same words in another order", others
        if chosen.same == CUT:
            return "review", chosen, f"{chosen.how}: the rest may name another firm", others
        if query.maybe_cut:  # a holding usually sits at the same address: the postcode cannot tell
            return "review", chosen, (f"the ledger name is {len(query.raw.strip())} characters long, as long "
                                      "as names cut off by bookkeeping systems: the rest may name another "
                                      "firm (a holding?)"), others
        sw_only = str(index.frame["source"].iat[chosen.j]) == "sw"  # a public body, few of them
        if not (chosen.postcode or chosen.form or (sw_only and chosen.postcode is None)):
            return "review", chosen, (f"name and place agree ({chosen.how}), but neither a postcode nor "
                                      "a legal form confirms it (a twin with another form?)"), others
        return "accepted", chosen, f"name and place agree ({chosen.how})", others
    if same:
        chosen = same[0]
        if not (query.place or query.pc4):
            return "review", chosen, "no place or postcode in the ledger", same[1:]
        if "sw" in str(index.frame["source"].iat[chosen.j]):
            return "review", chosen, "an SW-bedrijf in another place (it works at many)", same[1:]
        local = next((c for c in ranked if c.here and (c.same or c.slip)), None)
        if local is not None:  # "Stichting Maatschappelijk Werk" in Deventer: "... Werk Salland"
            return "review", local, (f"{local.how} here; the same name stands in another place "
                                     f"({index.places[chosen.j]})"), same
        return "unmatched", None, f"the same name in another place or postcode only " \
                                  f"({index.places[chosen.j]})", []
    near = [c for c in ranked if _plausible(query, c, index, settings)]
    if not near:
        return "unmatched", None, "best candidate too far off", []
    near.sort(key=lambda c: (not c.slip, not c.here, -c.score))
    return "review", near[0], "names differ in a letter (one letter may be another company)", near[1:]


def _kvk_confirmed(query: Query, c: Compared, index: CandidateIndex, settings: ImportSettings) -> bool:
    """The KvK's registered name confirms the ledger's: the same words, a typo (a high score),
    or one name within the other where the extra words are generic trade words ("Jansen" /
    "Bouwbedrijf Jansen") — never where one says Holding and the other not."""
    cand = {w for v in index.variants[c.j] for w in v}
    if says_holding(cand) != (says_holding(query.words) or query.cut_holding):
        return False
    if c.same or c.score >= settings.review_alone_score - 10:
        return True
    for q in query.variants:
        qs = set(q)
        shared = (qs & cand) - index.generic
        if shared and (qs <= cand or cand <= qs) and (qs ^ cand) <= index.generic:
            return True
    return False


def match_one(name: str, kvk: str, place_raw: str, postcode_raw: str, index: CandidateIndex,
              settings: ImportSettings) -> dict:
    """The match of one ledger supplier: status, method, score, candidate, note and evidence."""
    query = make_query(name, place_raw, postcode_raw, index, settings)
    ranked = _ranked(query, index, settings)
    status, chosen, note, rivals = _decide(query, ranked, index, settings)
    method = "name" if chosen is not None else ""
    if kvk and kvk in index.by_kvk:
        j = index.by_kvk[kvk]
        own = next((c for c in ranked if c.j == j), None) or compare(query, j, index, settings)
        if not str(name).strip() or str(name).strip() == kvk:
            status, chosen, method, rivals = "accepted", own, "kvk", []
            note = "KvK number found; the ledger gives no name"
        elif _kvk_confirmed(query, own, index, settings):
            status, chosen, method, rivals = "accepted", own, "kvk", [c for c in ranked if c.j != j]
            note = "KvK number found; the name agrees" + (f" ({own.how})" if own.same else " in part")
        elif chosen is not None and chosen.j != j and (chosen.same or chosen.slip):
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
