"""Normalise what bookkeepers write: company names, places, postcodes and KvK numbers.

A name becomes lower-case words without accents, punctuation, legal forms (B.V., V.O.F.,
Stichting, Holding, ...), branch suffixes ("- vestiging Zwolle") or bookkeepers' abbreviations
("Schoonmaakbedr.", "v.d."). "X Holding B.V. h.o.d.n. Bakkerij Y" gives two variants: the trade
name and the legal name. All words come from the import settings (``data/import.toml``).
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
from pso_chain.loaders.import_settings import ImportSettings

_DOTTED = re.compile(r"(?<![a-z0-9])((?:[a-z]\.){1,5}[a-z]?)(?![a-z0-9])")
_NON_WORD = re.compile(r"[^a-z0-9+]+")
_KVK_CHARS = re.compile(r"[\s.]")
_LINE_NON_WORD = re.compile(r"[^a-z0-9+\n]+")


def plain(text: str) -> str:
    """Lower case without accents (é -> e, ë -> e, ĳ -> ij)."""
    text = unicodedata.normalize("NFKD", str(text)).replace("ĳ", "ij")
    return "".join(c for c in text if not unicodedata.combining(c)).lower().strip()


_COMPILED: dict[int, tuple] = {}


def _patterns(settings: ImportSettings) -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """The settings' words as regular expressions (compiled once per settings object)."""
    key = id(settings)
    if key not in _COMPILED:
        _COMPILED[key] = (settings, *_compile(settings))
    return _COMPILED[key][1:]


def _compile(settings: ImportSettings):
    branch = re.compile(r"(?:\s[-–(,/]\s*|\s+)\(?(?:" + "|".join(map(re.escape, settings.branch_words))
                        + r")\b.*$")
    markers = sorted(settings.trade_name_markers, key=len, reverse=True)
    trade = re.compile(r"\b(?:" + "|".join(re.escape(m).replace(r"\ ", r"\s+") for m in markers) + r")\b")
    keys = sorted((k for k in settings.abbreviations if _NON_WORD.sub(" ", k).strip() == k),
                  key=len, reverse=True)
    abbreviations = re.compile(r"(?<![a-z0-9])(?:" + "|".join(map(re.escape, keys)) + r")(?![a-z0-9])")
    return branch, trade, abbreviations


def _expand(text: str, settings: ImportSettings) -> str:
    """Punctuation to spaces, then bookkeepers' abbreviations expanded (one regex pass)."""
    _, _, abbreviations = _patterns(settings)
    text = _NON_WORD.sub(" ", text.replace("&", " en ")).strip()
    return abbreviations.sub(lambda m: settings.abbreviations[m.group(0)], text)


def _kept(text: str, settings: ImportSettings) -> tuple[str, ...]:
    words = text.split()
    kept = [w for w in words if w not in settings.legal_forms]
    return tuple(kept or words)


def _words(text: str, settings: ImportSettings) -> tuple[str, ...]:
    return _kept(_expand(text, settings), settings)


def name_variants(name: str, settings: ImportSettings) -> tuple[tuple[str, ...], ...]:
    """The normalised word tuples of a name: the trade name first, then the legal name."""
    text = plain(name)
    branch, trade, _ = _patterns(settings)
    text = _DOTTED.sub(lambda m: m.group(1).replace(".", ""), text)
    text = branch.sub("", text)
    parts = [p for p in trade.split(text) if p.strip()]
    if parts and trade.search(text):
        variants = [_words(p, settings) for p in reversed(parts)]
    else:
        variants = [_words(text, settings)]
    return tuple(v for v in variants if v) or ((),)


def name_variants_many(names: list[str], settings: ImportSettings) -> list[tuple[tuple[str, ...], ...]]:
    """:func:`name_variants` of many names at once (column-wise passes: a register of 50,000)."""
    branch, trade, abbreviations = _patterns(settings)
    # one text, one line per name: each pass runs once in C over all names
    text = "\n".join(str(n).replace("\n", " ").replace("\r", " ") for n in names).replace("ĳ", "ij")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    text = _DOTTED.sub(lambda m: m.group(1).replace(".", ""), text)
    text = re.sub(branch.pattern, "", text, flags=re.M)
    lengths = np.fromiter((len(line) + 1 for line in text.split("\n")), dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    marked = np.zeros(len(lengths), dtype=bool)  # names with "h.o.d.n.": two variants each
    hits = [m.start() for m in trade.finditer(text)]
    if hits:
        marked[np.searchsorted(starts, hits, side="right") - 1] = True
    text = _LINE_NON_WORD.sub(" ", text.replace("&", " en "))
    text = abbreviations.sub(lambda m: settings.abbreviations[m.group(0)], text)
    before = text.split("\n")
    legal = re.compile(r"(?<![a-z0-9+])(?:" + "|".join(map(re.escape, sorted(settings.legal_forms, key=len,
                                                                              reverse=True)))
                       + r")(?![a-z0-9+])")
    out = []
    for i, line in enumerate(legal.sub(" ", text).split("\n")):
        if marked[i]:
            out.append(name_variants(names[i], settings))
            continue
        words = tuple(line.split()) or tuple(before[i].split())  # only legal forms: keep them
        out.append((words,) if words else ((),))
    return out


def postcode4_many(postcodes: list[str]) -> list[str]:
    """:func:`postcode4` of many postcodes."""
    out = []
    for p in postcodes:
        head = str(p).lstrip()[:4]
        out.append(head if len(head) == 4 and head.isdigit() else "")
    return out


def repair_words(words: tuple[str, ...], settings: ImportSettings) -> tuple[str, ...]:
    """Typos in the words the normaliser knows, on a ledger's side ("Stihcting", "Hodling",
    "vsetiging", "hoveinersbedr."): a word of 6+ letters within 2 edits of a long legal form is
    dropped, of a branch word cuts the rest, of an abbreviation is expanded. Names themselves are
    never changed."""
    from rapidfuzz.distance import Levenshtein

    legal = [w for w in settings.legal_forms if len(w) >= 6]
    branch = [w for w in settings.branch_words if len(w) >= 6]
    abbreviations = {k: v for k, v in settings.abbreviations.items() if len(k) >= 6 and " " not in k}
    out: list[str] = []
    for w in words:
        if len(w) < 6 or w in settings.legal_forms or w in abbreviations.values():
            out.append(w)
            continue
        if any(Levenshtein.distance(w, b) <= 2 for b in branch):
            break
        if any(Levenshtein.distance(w, f) <= 2 for f in legal):
            continue
        fixed = next((v for k, v in abbreviations.items() if Levenshtein.distance(w, k) <= 2), None)
        out.append(fixed if fixed is not None else w)
    return tuple(out) or words


def normalise_name(name: str, settings: ImportSettings) -> str:
    """The main normalised form of a name (the trade name), words joined by spaces."""
    return " ".join(name_variants(name, settings)[0])


def normalise_place(place: str, settings: ImportSettings) -> str:
    """A place without accents and punctuation, with known aliases ('Den Haag') resolved."""
    text = _NON_WORD.sub(" ", plain(place).replace("'", "")).strip()
    return settings.places.get(text, text)


def postcode4(postcode: str) -> str:
    """The four digits of a Dutch postcode ('1234 AB' -> '1234'); '' when there are none."""
    digits = re.match(r"\s*(\d{4})", str(postcode))
    return digits.group(1) if digits else ""


def kvk_numbers(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """KvK numbers from a column: 8 digits after removing spaces and dots.

    Returns ``(kvk, bad)``: ``kvk`` is the 8-digit text or '' and ``bad`` marks values that are
    present but not a KvK number (a 12-digit vestigingsnummer, letters, a wrong length).
    Excel stores numbers: 1234567.0 is the KvK number 01234567.
    """
    out = np.full(len(values), "", dtype=object)
    bad = np.zeros(len(values), dtype=bool)
    for i, value in enumerate(values.tolist()):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            continue
        if isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool):
            if float(value).is_integer() and 0 < value < 10**8:
                out[i] = f"{int(value):08d}"
            else:
                bad[i] = True
            continue
        text = str(value).strip()
        if re.fullmatch(r"\d{7,8}\.0", text):  # a number that went through a spreadsheet
            text = text[:-2].zfill(8)
        text = _KVK_CHARS.sub("", text)
        if text == "":
            continue
        if len(text) == 8 and text.isdigit():
            out[i] = text
        else:
            bad[i] = True
    return out, bad
