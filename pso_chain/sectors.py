"""SBI 2008 sections: the letter (A-U) of a Dutch sector code and its name in Dutch and English.

An SBI code's first two digits (the division) fix its section, the way NACE rev. 2 does; the
report and the notebooks group organisations by section because two-digit divisions are too
fine for a region of a few hundred organisations.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

# (section, first division, last division, Dutch name, English name) — SBI 2008 / NACE rev. 2.
SECTIONS: tuple[tuple[str, int, int, str, str], ...] = (
    ("A", 1, 3, "Landbouw, bosbouw en visserij", "Agriculture, forestry and fishing"),
    ("B", 6, 9, "Delfstoffenwinning", "Mining and quarrying"),
    ("C", 10, 33, "Industrie", "Manufacturing"),
    ("D", 35, 35, "Energievoorziening", "Electricity and gas supply"),
    ("E", 36, 39, "Water, afval en sanering", "Water supply, waste and remediation"),
    ("F", 41, 43, "Bouwnijverheid", "Construction"),
    ("G", 45, 47, "Handel", "Wholesale and retail trade"),
    ("H", 49, 53, "Vervoer en opslag", "Transport and storage"),
    ("I", 55, 56, "Logies, maaltijden en drankenverstrekking", "Accommodation and food service"),
    ("J", 58, 63, "Informatie en communicatie", "Information and communication"),
    ("K", 64, 66, "Financiële dienstverlening", "Financial and insurance activities"),
    ("L", 68, 68, "Verhuur van en handel in onroerend goed", "Real estate activities"),
    ("M", 69, 75, "Specialistische zakelijke diensten", "Professional, scientific and technical services"),
    ("N", 77, 82, "Verhuur en overige zakelijke diensten", "Administrative and support services"),
    ("O", 84, 84, "Openbaar bestuur", "Public administration"),
    ("P", 85, 85, "Onderwijs", "Education"),
    ("Q", 86, 88, "Gezondheids- en welzijnszorg", "Human health and social work"),
    ("R", 90, 93, "Cultuur, sport en recreatie", "Arts, entertainment and recreation"),
    ("S", 94, 96, "Overige dienstverlening", "Other service activities"),
    ("T", 97, 98, "Huishoudens", "Activities of households"),
    ("U", 99, 99, "Extraterritoriale organisaties", "Extraterritorial organisations"),
)
UNKNOWN = "?"


def sbi_section(sbi) -> np.ndarray:
    """Section letter of every SBI code (``"?"`` where the code is empty or not an SBI code).

    >>> sbi_section(["4391", "01", "8810", "", None, "x"]).tolist()
    ['F', 'A', 'Q', '?', '?', '?']
    """
    codes = pd.Series(sbi, dtype="object").astype("string").str.strip().str[:2]
    division = pd.to_numeric(codes.where(codes.str.fullmatch(r"\d\d", na=False)), errors="coerce")
    division = division.to_numpy(dtype=float)
    lookup = np.full(100, UNKNOWN, dtype=object)
    for letter, first, last, _nl, _en in SECTIONS:
        lookup[first:last + 1] = letter
    out = np.full(len(division), UNKNOWN, dtype=object)
    known = np.isfinite(division)
    out[known] = lookup[division[known].astype(np.int64)]
    return out


def section_name(letter: str, lang: str = "nl") -> str:
    """Name of a section letter in ``lang`` (``nl`` or ``en``); the letter itself when unknown."""
    for code, _first, _last, nl, en in SECTIONS:
        if code == letter:
            return nl if lang == "nl" else en
    return {"nl": "Onbekend", "en": "Unknown"}.get(lang, letter) if letter == UNKNOWN else letter


# --- what an organisation sells: its own code and the codes it delivers ----------------------
CODE_PATTERN = r"\d{2,5}(?:;\d{2,5})*"


def parse_delivers(values) -> tuple[pd.Series, np.ndarray]:
    """The ``delivers`` column normalised to ``81210;81300`` (separators ``;``, ``,`` or spaces,
    dots dropped) and, per row, whether it is not a list of 2-5 digit SBI codes.

    >>> codes, bad = parse_delivers(["81210; 81300,82920", "", "81.21", "8x"])
    >>> codes.tolist(), bad.tolist()
    (['81210;81300;82920', '', '8121', '8x'], [False, False, False, True])
    """
    text = pd.Series(values, dtype="object").astype("string").fillna("").str.strip()
    codes = text.str.replace(".", "", regex=False).str.replace(r"[\s,;]+", ";", regex=True).str.strip(";")
    bad = (codes != "") & ~codes.str.fullmatch(CODE_PATTERN).fillna(False)
    return codes.astype(object), bad.to_numpy(dtype=bool)


def _delivers(organisations: pd.DataFrame) -> pd.Series:
    if "delivers" not in organisations.columns:
        return pd.Series([""] * len(organisations), index=organisations.index, dtype=object)
    return organisations["delivers"].astype(object).fillna("")


def sells_sector(organisations: pd.DataFrame, prefix: str) -> np.ndarray:
    """Per organisation: its own SBI code or one it delivers starts with ``prefix``."""
    prefix = str(prefix).strip()
    own = organisations["sbi"].astype("string").fillna("").str.startswith(prefix)
    other = _delivers(organisations).astype("string").str.contains(f"(?:^|;){re.escape(prefix)}",
                                                                    regex=True)
    return (own | other).to_numpy(dtype=bool)


def sector_codes(organisations: pd.DataFrame, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (node, SBI code) pair of ``nodes``: the own code and each code delivered (empty
    codes left out), as two arrays."""
    nodes = np.asarray(nodes, dtype=np.int64)
    own = organisations["sbi"].iloc[nodes].astype(object).fillna("").to_numpy()
    other = (organisations["delivers"].iloc[nodes].astype(object).fillna("").to_numpy()
             if "delivers" in organisations.columns else np.full(len(nodes), "", dtype=object))
    owner, codes = [nodes], [own.astype(str)]
    lists = pd.Series(other).str.split(";").explode()
    lists = lists[lists.notna() & (lists != "")]
    owner.append(nodes[lists.index.to_numpy(dtype=np.int64)])
    codes.append(lists.to_numpy(dtype=str))
    owner_all, codes_all = np.concatenate(owner), np.concatenate(codes)
    keep = codes_all != ""
    return owner_all[keep], codes_all[keep]
