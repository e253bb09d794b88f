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
from rapidfuzz.distance import OSA

_DOTTED = re.compile(r"(?<![a-z0-9])((?:[a-z]\.){1,5}[a-z]?)(?![a-z0-9])")
_NON_WORD = re.compile(r"[^a-z0-9+]+")
_KVK_CHARS = re.compile(r"[\s.]")
_KVK_LABEL = re.compile(r"^\s*(?:kvk|k\.v\.k\.?|kamer van koophandel)[\s.:-]*(?:nr|nummer|no)?[\s.:-]*", re.I)
_LINE_NON_WORD = re.compile(r"[^a-z0-9+\n]+")


def plain(text: str) -> str:
    """Lower case without accents (é -> e, ë -> e, ĳ -> ij)."""
    text = unicodedata.normalize("NFKD", str(text)).replace("ĳ", "ij")
    return "".join(c for c in text if not unicodedata.combining(c)).lower().strip()


_COMPILED: dict[int, tuple] = {}
VD_FORMS = frozenset({"vander", "vanden", "vande"})  # "v.d." (vd) may be any of them


def _patterns(settings: ImportSettings) -> tuple[re.Pattern, re.Pattern, re.Pattern, re.Pattern]:
    """The settings' words as regular expressions (compiled once per settings object)."""
    key = id(settings)
    if key not in _COMPILED:
        _COMPILED[key] = (settings, *_compile(settings))
    return _COMPILED[key][1:]


def _alternatives(words) -> str:
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


def _compile(settings: ImportSettings):
    # A branch suffix follows a word of the name on the same line (never the first word, never
    # across a line break): "Albert Heijn - vestiging Zwolle", "Bakker (filiaal Ede)". Words that
    # are also ordinary name words ("Regio", "Kantoor") only after a dash, bracket, comma or slash.
    space = r"[^\S\n]"
    strong = _alternatives(settings.branch_words)
    weak = _alternatives(settings.branch_words_separated or ("\x00",)) + "|(?:" + _alternatives(
        {w[:k] for w in settings.branch_words for k in range(3, len(w))}) + r")(?=\)?$)"  # cut off
    branch = re.compile(r"(?<=\S)(?:" + space + r"*[-\u2013(,/]" + space + r"*\(?(?:" + strong + "|" + weak
                        + r")|" + space + r"+\(?(?:" + strong + r"))\b[^\n]*$", re.M)
    markers = sorted(settings.trade_name_markers, key=len, reverse=True)
    trade = re.compile(r"\b(?:" + "|".join(re.escape(m).replace(r"\ ", r"\s+") for m in markers) + r")\b")
    keys = sorted((k for k in settings.abbreviations if _NON_WORD.sub(" ", k).strip() == k),
                  key=len, reverse=True)
    abbreviations = re.compile(r"(?<![a-z0-9])(?:" + "|".join(map(re.escape, keys)) + r")(?![a-z0-9])")
    legal = re.compile(r"(?<![a-z0-9+])(?:" + _alternatives(settings.legal_forms) + r")(?![a-z0-9+])")
    return branch, trade, abbreviations, legal


def _expand(text: str, settings: ImportSettings) -> str:
    """Punctuation to spaces, then bookkeepers' abbreviations expanded (one regex pass)."""
    abbreviations = _patterns(settings)[2]
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
    text = plain(str(name).replace("\n", " ").replace("\r", " "))
    branch, trade, _, _ = _patterns(settings)
    text = _DOTTED.sub(lambda m: m.group(1).replace(".", ""), text)
    text = branch.sub("", text)
    parts = [p for p in trade.split(text) if p.strip()]
    if parts and trade.search(text):
        variants = [_words(p, settings) for p in reversed(parts)]
    else:
        variants = [_words(text, settings)]
    return tuple(v for v in variants if v) or ((),)


def name_variants_many(names: list[str], settings: ImportSettings) -> list[tuple[tuple[str, ...], ...]]:
    """:func:`name_variants` of many names at once (column-wise passes: a register of 50,000).

    One text with one line per name; no pattern crosses a line break, so name ``i`` stays name
    ``i`` whatever it starts with."""
    branch, trade, abbreviations, legal = _patterns(settings)
    text = "\n".join(str(n).replace("\n", " ").replace("\r", " ") for n in names).replace("ĳ", "ij")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    text = _DOTTED.sub(lambda m: m.group(1).replace(".", ""), text)
    text = branch.sub("", text)
    lengths = np.fromiter((len(line) + 1 for line in text.split("\n")), dtype=np.int64)
    if len(lengths) != len(names):  # every pass keeps one line per name
        raise AssertionError("name normalisation lost a line")
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    marked = np.zeros(len(lengths), dtype=bool)  # names with "h.o.d.n.": two variants each
    hits = [m.start() for m in trade.finditer(text)]
    if hits:
        marked[np.searchsorted(starts, hits, side="right") - 1] = True
    text = _LINE_NON_WORD.sub(" ", text.replace("&", " en "))
    text = abbreviations.sub(lambda m: settings.abbreviations[m.group(0)], text)
    before = text.split("\n")
    out = []
    for i, line in enumerate(legal.sub(" ", text).split("\n")):
        if marked[i]:
            out.append(name_variants(names[i], settings))
            continue
        words = tuple(line.split()) or tuple(before[i].split())  # only legal forms: keep them
        out.append((words,) if words else ((),))
    return out


def legal_form(name: str, settings: ImportSettings) -> str:
    """The legal form a name states ('bv', 'vof', 'stichting', ...; '' when none): evidence,
    since "X V.O.F." and "X B.V." can be two firms. The last form written wins."""
    text = _DOTTED.sub(lambda m: m.group(1).replace(".", ""), plain(name))
    words = _NON_WORD.sub(" ", text).split()
    found = ""
    for k, w in enumerate(words):
        for size in (3, 2):
            phrase = " ".join(words[k:k + size])
            if phrase in settings.legal_form_codes:
                found = settings.legal_form_codes[phrase]
                break
        else:
            found = settings.legal_form_codes.get(w, found)
    return found


def legal_forms_many(names: list[str], settings: ImportSettings) -> list[str]:
    return [legal_form(n, settings) for n in names]


def same_word(a: str, b: str) -> bool:
    """Equal words, where "vd" (v.d.) may stand for van der, van den or van de."""
    return a == b or (a == "vd" and b in VD_FORMS) or (b == "vd" and a in VD_FORMS)


def key_words(words: tuple[str, ...]) -> tuple[str, ...]:
    """Words as scored: van der / van den / van de all as "vd" (the words decide the rest)."""
    return tuple("vd" if w in VD_FORMS else w for w in words)


_FULL_POSTCODE = re.compile(r"^\s*(\d{4})\s*([a-zA-Z]{2})\s*$")


def full_postcodes(postcodes: list[str]) -> list[str]:
    """'1234AB' from '1234 ab' ('' when not a full Dutch postcode)."""
    out = []
    for p in postcodes:
        m = _FULL_POSTCODE.match(str(p))
        out.append(f"{m.group(1)}{m.group(2).upper()}" if m else "")
    return out


def postcode4_many(postcodes: list[str]) -> list[str]:
    """:func:`postcode4` of many postcodes."""
    out = []
    for p in postcodes:
        head = str(p).lstrip()[:4]
        out.append(head if len(head) == 4 and head.isdigit() else "")
    return out


def repair_words(words: tuple[str, ...], settings: ImportSettings,
                 known: dict[str, int] | frozenset[str] | None = None) -> tuple[str, ...]:
    """Typos in the words the normaliser knows, on a ledger's side ("Stihcting", "vsetiging",
    "hoveinersbedr."): a word of 7+ letters one edit (a swap counts as one) from a legal form is
    dropped, from a branch word cuts the rest (never the first word), from an abbreviation is
    expanded. A word the register itself holds (``known``) is never rewritten: "Schone" is not
    "schoonmaak", "kantoor" is a word of "Adm.kantoor"."""
    legal = [w for w in settings.legal_forms if len(w) >= 7]
    branch = [w for w in settings.branch_words if len(w) >= 7]
    abbreviations = {k: v for k, v in settings.abbreviations.items() if len(k) >= 7 and " " not in k}
    keep = set(settings.legal_forms) | set(abbreviations.values()) | set(settings.abbreviations)
    out: list[str] = []
    for k, w in enumerate(words):
        if len(w) < 7 or w in keep or (known is not None and w in known):
            out.append(w)
            continue
        if k > 0 and any(OSA.distance(w, b) <= 1 for b in branch):
            break
        if any(OSA.distance(w, f) <= 1 for f in legal):
            continue
        fixed = next((v for key, v in abbreviations.items() if OSA.distance(w, key) <= 1), None)
        out.append(fixed if fixed is not None else w)
    return tuple(out) or words


def normalise_name(name: str, settings: ImportSettings) -> str:
    """The main normalised form of a name (the trade name), words joined by spaces."""
    return " ".join(name_variants(name, settings)[0])


def normalise_place(place: str, settings: ImportSettings) -> str:
    """A place without accents and punctuation, with known aliases ('Den Haag', "R'dam")
    resolved and a province or district after it left out ('Ede Gld', 'Almere-Stad')."""
    text = _NON_WORD.sub(" ", plain(place).replace("'", " ")).strip()
    words = [("ij" + w[1:] if w.startswith("y") and len(w) > 3 else w) for w in text.split()]  # Yssel
    text = " ".join(words)
    for short, long in ((" a d ", " aan den "), (" ad ", " aan den "), (" aan de ", " aan den ")):
        text = f" {text} ".replace(short, long).strip()
    words = text.split()
    while len(words) > 1 and words[-1] in settings.place_suffixes and " ".join(words) not in settings.places:
        words.pop()
    text = " ".join(words)
    return settings.places.get(text, text)


def raw_words(name: str) -> list[str]:
    """A name's words as written (lower case, "b.v." as "bv"), nothing dropped or expanded."""
    return _NON_WORD.sub(" ", _DOTTED.sub(lambda m: m.group(1).replace(".", ""), plain(name))).split()


def place_words(place: str) -> tuple[str, ...]:
    """A place's words as written (no alias resolved): to find it inside a name."""
    return tuple(_NON_WORD.sub(" ", plain(place).replace("'", " ")).split())


def postcode4(postcode: str) -> str:
    """The four digits of a Dutch postcode ('1234 AB' -> '1234'); '' when there are none."""
    digits = re.match(r"\s*(\d{4})", str(postcode))
    return digits.group(1) if digits else ""


def kvk_numbers(values: pd.Series, branch_suffix: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """KvK numbers from a column: 8 digits after removing spaces and dots.

    Returns ``(kvk, bad)``: ``kvk`` is the 8-digit text or '' and ``bad`` marks values that are
    present but not a KvK number (letters, a wrong length). 7 digits are a KvK whose leading
    zero a spreadsheet dropped (1234567 -> 01234567); Excel stores numbers: 1234567.0 is
    01234567. With ``branch_suffix`` (a ledger), 8 digits followed by a 4-digit branch suffix
    (``12345678 0001``, ``12345678-0001``, 12 digits) give the first 8: the matcher confirms
    every KvK by name, so a vestigingsnummer read this way cannot count for another firm.
    """
    out = np.full(len(values), "", dtype=object)
    bad = np.zeros(len(values), dtype=bool)
    for i, value in enumerate(values.tolist()):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            continue
        if isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool):
            if float(value).is_integer() and 0 < value < 10**8:
                out[i] = f"{int(value):08d}"
            elif branch_suffix and float(value).is_integer() and 10**11 <= value < 10**12:
                out[i] = f"{int(value):012d}"[:8]
            else:
                bad[i] = True
            continue
        text = str(value).strip()
        if re.fullmatch(r"\d{7,8}\.0", text):  # a number that went through a spreadsheet
            text = text[:-2]
        text = _KVK_CHARS.sub("", _KVK_LABEL.sub("", text))
        if text == "":
            continue
        if branch_suffix and re.fullmatch(r"\d{8}[-/]?\d{4}", text):
            text = text[:8]
        if len(text) in (7, 8) and text.isdigit():
            out[i] = text.zfill(8)
        else:
            bad[i] = True
    return out, bad
