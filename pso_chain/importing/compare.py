"""One ledger supplier against one register candidate: how the names agree (the same words,
a compound, the place inside a name, a branch and place before it, a legal form or a name cut
off), and the other evidence (place, postcode, legal form). Used by
:mod:`pso_chain.importing.matching`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, Levenshtein

from pso_chain.importing.candidates import CandidateIndex
from pso_chain.loaders.import_settings import ImportSettings
from pso_chain.loaders.names import (
    full_postcodes,
    key_words,
    legal_form,
    name_variants,
    normalise_place,
    place_words,
    plain,
    postcode4,
    raw_words,
    repair_words,
    same_word,
)

TOP = 12     # candidates of a block compared word by word (per way of scoring)
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
    place_words: tuple[str, ...] = ()
    cut_form: bool = False  # the name ends in a legal form cut off ("... Besloten Ven", "... V.")
    postcode: str = ""      # the full postcode, when the ledger gives one
    abbreviated: frozenset[str] = frozenset()  # words written with a dot after them ("Elektrotechn.")
    maybe_cut: bool = False  # exactly as long as a field bookkeeping systems cut names at
    cut_holding: bool = False  # ...and ends in the start of "Holding" ("... Dakdekkersbedrijf H")


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
    ordered: bool = True
    # The names agree but for one slip of a letter (a letter missing, added or changed, or two
    # letters swapped: "Dotirdo"/"Dotrido"), read the same ways as ``same``. Never enough to
    # accept (Jansen/Janssen are two firms), enough for a person to look.
    slip: bool = False

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
        if len(w) < settings.min_fuzzy_word:
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


def _count(words: tuple[str, ...], part: tuple[str, ...]) -> int:
    """How often the consecutive words ``part`` stand in ``words``."""
    n = len(part)
    return sum(words[k:k + n] == part for k in range(len(words) - n + 1))


def _slip(a: tuple[str, ...], b: tuple[str, ...], shortest: int) -> bool:
    """The two names, written without spaces, differ by one slip of a letter (optimal string
    alignment distance 1: one letter missing, added or changed, or two neighbours swapped)."""
    x, y = "".join(key_words(a)), "".join(key_words(b))
    return min(len(x), len(y)) >= shortest and OSA.distance(x, y, score_cutoff=1) <= 1


def _holding_start(word: str) -> bool:
    """The word may be "Holding" cut off, also with a slip of a letter ("Hol", "Holdni")."""
    if len(word) < 4:
        return len(word) >= 2 and "holding".startswith(word)
    return OSA.distance(word, "holding"[:len(word)], score_cutoff=1) <= 1


def says_holding(words: set[str] | tuple[str, ...]) -> bool:
    """A name says Holding, also with a slip of a letter ("Holdng", "Hodling")."""
    return any(w == "holding" or (len(w) >= 6 and OSA.distance(w, "holding", score_cutoff=1) <= 1)
               for w in words)


def _cut_slip(a: tuple[str, ...], b: tuple[str, ...], shortest: int) -> bool:
    """``a`` is the start of ``b`` but for one slip of a letter (a name cut off with a typo:
    "Vrijwilligerswwerk F" / "Vrijwilligerswerk Friesland")."""
    x, y = "".join(key_words(a)), "".join(key_words(b))
    if len(x) < 2 * shortest or len(y) <= len(x):
        return False
    return any(OSA.distance(x, y[:k], score_cutoff=1) <= 1 for k in (len(x) - 1, len(x), len(x) + 1))


def _cut_prefix(q: tuple[str, ...], c: tuple[str, ...]) -> bool:
    """``q`` is ``c`` cut off: every word equal but the last, which begins the next word of c."""
    if len(q) < 2 or len(q) > len(c):
        return False
    head = all(same_word(a, b) for a, b in zip(q[:-1], c, strict=False))
    last, then = q[-1], c[len(q) - 1]
    return head and then.startswith(last) and (len(q) < len(c) or last != then)


def _forms(q: tuple[str, ...], c: tuple[str, ...], places: list[tuple[str, ...]], cut_form: bool,
           settings: ImportSettings, abbreviated: frozenset[str] = frozenset(), maybe_cut: bool = False
           ) -> list[tuple[tuple[str, ...], tuple[str, ...], str]]:
    """Ways to read the two names: as written; without a place one of them carries ("Lucrato
    Apeldoorn"); without a leading branch and place ("Vestiging Weert X"); without a legal form
    the ERP cut off ("X Besloten Ven"); without a short last word of a name as long as an ERP's
    field ("... Arnhem Arn")."""
    out = [(q, c, "")]
    branch = set(settings.branch_words) | set(settings.branch_words_separated)
    for pw in places:
        q2, c2 = _without(q, pw), _without(c, pw)
        if q2 is not None and c2 is None:
            out.append((q2, c, "the place in the ledger's name"))
            if q[0] in branch and q[1:1 + len(pw)] == pw and q[0] not in c:
                out.append((q2[1:], c, "a branch and place before the ledger's name"))
        if c2 is not None and q2 is None:
            out.append((q, c2, "the place in the register's name"))
        n = len(pw)  # "Werkbedrijf Rijk van Nijmegen Nijmegen": the place once more at the end
        if len(q) > n and q[-n:] == pw and _count(q, pw) > _count(c, pw):
            out.append((q[:-n], c, "the place in the ledger's name"))
        for k in (1, 2, 3, 4):  # the place cut off at the end ("... AMSTERDAM-ZUI", "ALPHEN AAN DEN RIJ")
            tail = "".join(q[-k:]) if len(q) > k else ""
            if len(tail) >= 4 and "".join(pw).startswith(tail) and tail != "".join(pw):
                out.append((q[:-k], c, "the place (cut off) in the ledger's name"))
    for k, w in enumerate(q):  # "Elektrotechn.": a word cut short with a dot
        if w in abbreviated and k < len(c) and c[k].startswith(w) and c[k] != w:
            out.append((q[:k] + (c[k],) + q[k + 1:], c, "an abbreviated word"))
    for k in range(len(q) - 1):  # "Hov.bedrijf", "Aann.bedrijf": a short head of a compound
        a, b = q[k], q[k + 1]
        if 2 <= len(a) <= 5:
            whole = next((w for w in c if len(w) > len(a) + len(b) and w.startswith(a)
                          and w.endswith(b)), None)
            if whole:
                out.append((q[:k] + (whole,) + q[k + 2:], c, "an abbreviated compound"))
    if cut_form and len(q) > 1:
        out += [(q[:-1], cc, "a legal form cut off") for _, cc, _ in list(out)]
    last = q[-1]  # "Participatiebedrijf Arnhem Arn", "(fi": a fragment that begins no word of
    if maybe_cut and len(q) > 1 and len(last) <= 3 and not _holding_start(last) and not (
            len(c) >= len(q) and c[len(q) - 1].startswith(last)):  # the candidate's word there
        out += [(qq[:-1], cc, "a word cut off at the end") for qq, cc, _ in list(out)
                if len(qq) > 1 and qq[-1] == last]
    return out


FORM_STARTS = ("bv", "besloten", "vennootschap", "vof", "nv", "naamloze", "stichting", "cv",
                "commanditaire", "cooperatie", "vereniging")


def _same_postcode(query: Query, j: int, index: CandidateIndex) -> bool:
    """The full postcode where both give one (4 digits are a whole district of a town)."""
    full = index.postcode[j]
    if query.postcode and full:
        return bool(query.postcode == full)
    return bool(int(query.pc4) == index.pc4[j])


def _same_place(a: str, b: str) -> bool:
    """The same place, or a municipality and its main place ("Sittard-Geleen" / "Sittard")."""
    if a == b:
        return True
    x, y = sorted((a.split(), b.split()), key=len)
    return len(x) > 0 and y[:len(x)] == x


def _in_order(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return len(a) == len(b) and all(same_word(x, y) for x, y in zip(a, b, strict=True))


def compare(query: Query, j: int, index: CandidateIndex, settings: ImportSettings) -> Compared:
    cand_place = str(index.place_norm[j])
    places = list({tuple(p.split()) for p in (cand_place, query.place) if p} | (
        {query.place_words} if query.place_words else set()))
    same, how, score, ordered, slip = 0, "", 0.0, True, False
    shortest = settings.slip_min_letters
    for q in query.variants:
        for c in index.variants[j]:
            for qq, cc, why in _forms(q, c, places, query.cut_form, settings, query.abbreviated,
                                      query.maybe_cut):
                if not qq or not cc:
                    continue
                score = max(score, fuzz.token_sort_ratio(" ".join(key_words(qq)), " ".join(key_words(cc))))
                if same == EXACT and ordered:
                    continue
                if "".join(qq) == "".join(cc) or _in_order(qq, cc):
                    same, how, ordered = EXACT, why or ("same words" if _in_order(qq, cc) else
                                                         "same words, one written as a compound"), True
                elif _words_agree(qq, cc, index, settings):
                    if same < EXACT:
                        same, how, ordered = EXACT, "same words in another order", False
                elif not same and len(query.raw) >= CUT_MIN and (
                        _cut_prefix(qq, cc) or ("".join(cc).startswith("".join(qq)) and len(qq) > 1)):
                    same, how = CUT, f"ledger name cut off at {len(query.raw)} characters"
                elif not same and not slip and _slip(qq, cc, shortest):
                    slip, how = True, "one letter differs" + (f" ({why})" if why else "")
                elif not same and not slip and len(query.raw) >= CUT_MIN and _cut_slip(qq, cc, shortest):
                    slip, how = True, f"ledger name cut off at {len(query.raw)} characters, a letter differs"
    if same:
        score = max(score, 100.0 if same == EXACT else settings.accept_score)
    cand_pc = index.pc4[j]
    return Compared(
        j, same, float(score), how,
        place=_same_place(cand_place, query.place) if query.place and cand_place else None,
        postcode=_same_postcode(query, j, index) if query.pc4 and cand_pc >= 0 else None,
        form=bool(index.forms[j] == query.form) if query.form and index.forms[j] else None,
        ordered=ordered, slip=slip and not same)


def make_query(name: str, place_raw: str, postcode_raw: str, index: CandidateIndex,
           settings: ImportSettings) -> Query:
    variants = tuple(repair_words(v, settings, index.words) for v in name_variants(name, settings))
    form = legal_form(name, settings)
    if not form and len(str(name)) >= CUT_MIN:  # "X V.O" cut from "X V.O.F.", "X Besloten Ven"
        raw = raw_words(name)
        for k in (3, 2, 1):
            tail = " ".join(raw[-k:])
            forms = {code for phrase, code in settings.legal_form_codes.items()
                     if len(raw) > k and phrase.startswith(tail) and phrase != tail}
            if forms:
                form = forms.pop() if len(forms) == 1 else ""
                break
    last = raw_words(name)[-1:] or [""]
    cut_form = len(str(name)) >= CUT_MIN and any(f.startswith(last[0]) and f != last[0] for f in FORM_STARTS)
    # a name with its legal form still at the end was not cut in the middle; one a character
    # short of the field was cut before a space (exports trim trailing spaces)
    size = len(str(name).strip())
    maybe_cut = bool({size, size + 1} & settings.cut_lengths) and not form
    return Query(str(name), variants, form, normalise_place(place_raw, settings),
                 postcode4(postcode_raw), {w for v in variants for w in v}, place_words(place_raw), cut_form,
                 full_postcodes([postcode_raw])[0],
                 frozenset(m.group(1) for m in re.finditer(r"([a-z]{4,})\.", plain(name))),
                 maybe_cut, maybe_cut and last[0] != "holding" and _holding_start(last[0]))
