"""A seeded generator of Dutch matching worlds: a PSO register, SW-bedrijven, a buyer and its ledger.

Written without looking at pso-chain's matcher, from the user docs only (docs/import.md). The world is
hard the way real books are: register firms have near-name twins (Jansen/Janssen, a holding beside its
operating company, the same name in another place, V.O.F. beside B.V.), and the ledger spells names as
an ERP does (legal forms any way, UPPER case, typos, abbreviations, names cut at 30 characters, the
place in the name, compounds joined or split), with KvK numbers missing, mangled by Excel, carrying a
branch suffix, or belonging to the holding. The ground truth says, for every creditor record in the
ledger, which register or SW KvK it really is (or none).

    python -m benchmarks.matchworld.generator OUT --seed 1 --register 5000 --suppliers 600
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.matchworld import vocab

LEDGER_YEAR = 2025


@dataclass
class Firm:
    """One legal entity with its own KvK number (certified or not)."""

    kvk: str
    core: str  # the name without its legal form
    legal: str  # "B.V.", "V.O.F.", "N.V.", "Stichting", "" (eenmanszaak)
    place: str
    postcode: str
    source: str  # "register", "sw" or "none"
    holding_kvk: str | None = None  # the group's holding or a sister company
    tags: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The name as the register (or the KvK) writes it."""
        if self.legal == "Stichting":
            return self.core if self.core.startswith("Stichting") else f"Stichting {self.core}"
        return f"{self.core} {self.legal}".strip()


@dataclass
class Creditor:
    """One creditor record in the buyer's ledger, and what it really is."""

    name: str
    kvk: str
    place: str
    postcode: str
    firm: Firm
    tags: list[str]
    spend: float = 0.0

    @property
    def truth_kvk(self) -> str:
        """The register or SW KvK this creditor is, or "" when it is neither."""
        return self.firm.kvk if self.firm.source in ("register", "sw") else ""


@dataclass
class World:
    """Everything one benchmark run needs, plus the truth."""

    seed: int
    register: list[dict[str, str]]
    sw: list[Firm]
    sw_figures: dict[str, tuple[float, float]]
    buyer: dict[str, object]
    creditors: list[Creditor]
    invoices: list[dict[str, object]]
    firms: dict[str, Firm]


@dataclass
class WorldFiles:
    """Paths of a written world."""

    ledger: Path
    register: Path
    sw: Path
    buyer: Path
    truth: Path
    style: str


def _norm_key(name: str) -> str:
    """A crude key to keep the generator from making two firms that are one name in one place."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


class _Maker:
    """Stateful helpers: unique KvK numbers, postcodes, names."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.kvks: set[str] = set()
        self.keys: set[tuple[str, str]] = set()
        self.places = list(vocab.PLACES)
        # big cities hold more firms
        self.place_weights = [max(1, 12 - i // 6) for i in range(len(self.places))]

    def kvk(self) -> str:
        """A new 8-digit KvK; about one in six starts with 0 (the northern chambers)."""
        while True:
            if self.rng.random() < 0.17:
                k = "0" + "".join(str(self.rng.randrange(10)) for _ in range(7))
                if k[1] == "0":
                    continue
            else:
                k = str(self.rng.randrange(10_000_000, 100_000_000))
            if k not in self.kvks:
                self.kvks.add(k)
                return k

    def place(self) -> str:
        return self.rng.choices(self.places, self.place_weights)[0]

    def postcode(self, place: str) -> str:
        lo, hi, _ = vocab.PLACES[place]
        letters = "ABCEGHJKLMNPRSTVWXZ"
        return f"{self.rng.randint(lo, hi)} {self.rng.choice(letters)}{self.rng.choice(letters)}"

    def fancy(self) -> str:
        n = self.rng.choice((2, 2, 3, 3, 3))
        word = "".join(self.rng.choice(vocab.SYLLABLES) for _ in range(n))
        return word.capitalize()

    def legal(self) -> str:
        return self.rng.choices(["B.V.", "V.O.F.", "", "N.V.", "B.V."], [55, 12, 25, 1, 0])[0]

    def core(self) -> tuple[str, str]:
        """A firm name without legal form, and a suggested legal form."""
        r = self.rng
        fam = r.choice(vocab.FAMILIES)
        trade = r.choice(vocab.TRADES)
        place = r.choice(self.places)
        kind = r.random()
        if kind < 0.22:
            return f"{trade} {fam[0].upper() + fam[1:]}", self.legal()
        if kind < 0.40:
            return f"{fam[0].upper() + fam[1:]} {trade}", self.legal()
        if kind < 0.46:
            other = r.choice(vocab.FAMILIES)
            joiner = r.choice(("&", "&", "en"))
            return f"{fam[0].upper() + fam[1:]} {joiner} {other[0].upper() + other[1:]}", self.legal()
        if kind < 0.50:
            return f"{r.choice(('Gebroeders', 'Gebr.'))} {fam[0].upper() + fam[1:]}", r.choice(("B.V.", "V.O.F.", ""))
        if kind < 0.66:
            word = self.fancy()
            tail = r.random()
            if tail < 0.4:
                return word, self.legal()
            if tail < 0.75:
                return f"{word} {r.choice(vocab.SUFFIX_WORDS)}", "B.V."
            return f"{word} {trade}", self.legal()
        if kind < 0.74:
            return f"{trade} {r.choice(vocab.REGIONS)}", self.legal()
        if kind < 0.80:
            what = r.choice(vocab.FOUNDATION_WORDS)
            where = r.choice((place, r.choice(vocab.REGIONS)))
            return f"Stichting {what} {where}", "Stichting"
        if kind < 0.83:
            return f"Regio {trade} {r.choice(vocab.REGIONS)}", self.legal()
        if kind < 0.86:
            return f"{r.choice(('Kantoor', 'Adm.kantoor', 'Administratiekantoor'))} {fam[0].upper() + fam[1:]}", self.legal()
        if kind < 0.88:
            return f"Schone {r.choice(vocab.SCHONE_WORDS)}", r.choice(("B.V.", ""))
        if kind < 0.90:
            return f"{r.choice(('Filiaal', 'Vestiging', 'Afdeling'))} {self.fancy()}", "B.V."
        if kind < 0.95:
            return f"{self.fancy()} {place}", self.legal()
        first = r.choice("ABCDEFGHJKLMNPRSTW")
        return f"{first}. {fam[0].upper() + fam[1:]} {trade}", r.choice(("", "B.V."))

    def claim(self, name: str, place: str) -> bool:
        """Reserve (name, place); False when a firm there already has that name."""
        key = (_norm_key(name), place)
        if key in self.keys:
            return False
        self.keys.add(key)
        return True

    def firm(self, source: str, core: str | None = None, legal: str | None = None,
             place: str | None = None, tags: list[str] | None = None) -> Firm | None:
        """A new firm, or None when its name is taken in its place."""
        if core is None:
            core, legal2 = self.core()
            legal = legal2 if legal is None else legal
        place = place or self.place()
        f = Firm(self.kvk(), core, legal if legal is not None else self.legal(), place,
                 self.postcode(place), source, tags=list(tags or []))
        if not self.claim(f.name, place):
            self.kvks.discard(f.kvk)
            return None
        return f


def _family_in(core: str) -> str | None:
    for fam in vocab.NEAR_FAMILIES:
        if re.search(rf"(?<![\w-]){re.escape(fam)}(?![\w-])", core, flags=re.IGNORECASE):
            return fam
    return None


def _twin(mk: _Maker, base: Firm, source: str) -> tuple[Firm | None, str]:
    """A different legal entity whose name or place is close to ``base``'s."""
    r = mk.rng
    fam = _family_in(base.core)
    options = ["other_place", "holding", "trade", "vof_bv", "prefix"]
    if fam:
        options += ["spelling", "spelling", "spelling"]
    kind = r.choice(options)
    if kind == "spelling" and fam:
        new = r.choice(vocab.NEAR_FAMILIES[fam])
        core = re.sub(rf"(?<![\w-]){re.escape(fam)}(?![\w-])", new, base.core, count=1, flags=re.IGNORECASE)
        place = base.place if r.random() < 0.5 else mk.place()
        return mk.firm(source, core, base.legal, place, ["twin:spelling"]), kind
    if kind == "other_place":
        place = mk.place()
        if place == base.place:
            return None, kind
        return mk.firm(source, base.core, base.legal, place, ["twin:other_place"]), kind
    if kind == "holding":
        core = base.core.replace(" Holding", "") if "Holding" in base.core else f"{base.core} Holding"
        t = mk.firm(source, core, "B.V.", base.place, ["twin:holding"])
        if t is not None:
            t.postcode = base.postcode
        return t, kind
    if kind == "trade":
        words = base.core.split()
        trades = [w for w in words if w in vocab.TRADES]
        if not trades:
            return None, kind
        core = base.core.replace(trades[0], r.choice(vocab.TRADES), 1)
        return mk.firm(source, core, base.legal, base.place, ["twin:trade"]), kind
    if kind == "vof_bv":
        legal = {"B.V.": "V.O.F.", "V.O.F.": "B.V.", "": "B.V."}.get(base.legal)
        if legal is None:
            return None, kind
        # the same family in the same place as another legal form: claim() treats legal forms as
        # part of the name, so this is allowed
        t = mk.firm(source, base.core, legal, base.place, ["twin:vof_bv"])
        return t, kind
    # prefix: "Regio X" beside "X", "X Nederland" beside "X"
    pre = r.choice(("Regio ", "Kantoor ", "", ""))
    post = "" if pre else r.choice((" Nederland", " Groep", " Noord", " Services"))
    return mk.firm(source, f"{pre}{base.core}{post}", base.legal, base.place, ["twin:prefix"]), kind


# ---------------------------------------------------------------- ledger noise


def _legal_spelling(r: random.Random, legal: str) -> str:
    if legal == "B.V.":
        return r.choices(["B.V.", "BV", "b.v.", "B.V", "Besloten Vennootschap", "", "bv"], [30, 25, 8, 5, 3, 25, 4])[0]
    if legal == "V.O.F.":
        return r.choices(["V.O.F.", "VOF", "v.o.f.", "Vennootschap onder firma", ""], [35, 30, 10, 3, 22])[0]
    if legal == "N.V.":
        return r.choice(["N.V.", "NV", ""])
    return ""


def _split_compound(r: random.Random, text: str) -> str:
    """Split one compound ("Schoonmaakbedrijf" -> "Schoonmaak Bedrijf") or join two words."""
    words = text.split(" ")
    for i, w in enumerate(words):
        low = w.lower()
        for suf in vocab.COMPOUND_SUFFIXES:
            if low.endswith(suf) and len(low) > len(suf) + 3:
                head = w[: -len(suf)]
                tail = w[-len(suf):]
                words[i] = f"{head} {tail.capitalize() if r.random() < 0.6 else tail}"
                return " ".join(words)
    for i in range(len(words) - 1):
        if words[i + 1].lower() in vocab.COMPOUND_SUFFIXES and words[i][:1].isalpha():
            words[i:i + 2] = [words[i] + words[i + 1].lower()]
            return " ".join(words)
    return text


def _typo(r: random.Random, text: str) -> str:
    words = text.split(" ")
    idx = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not idx:
        return text
    i = r.choice(idx)
    w = words[i]
    p = r.randrange(1, len(w) - 1)
    op = r.choice(("drop", "swap", "double", "sub"))
    if op == "drop":
        w = w[:p] + w[p + 1:]
    elif op == "swap":
        w = w[:p] + w[p + 1] + w[p] + w[p + 2:]
    elif op == "double":
        w = w[:p] + w[p] + w[p:]
    else:
        w = w[:p] + r.choice("aeiounrstl") + w[p + 1:]
    words[i] = w
    return " ".join(words)


def _van_der(r: random.Random, text: str) -> str:
    def rep(m: re.Match[str]) -> str:
        return r.choice(("v.d.", "vd", "v/d", "v.d")) + " "
    return re.sub(r"\b[vV]an (?:der|den|de) ", rep, text, count=1)


def _abbreviate(r: random.Random, text: str) -> str:
    for long, short in vocab.ABBREVIATIONS:
        if long in text:
            return text.replace(long, short, 1)
        if short in text and r.random() < 0.5:
            return text.replace(short, long, 1)
    return text


def _ampersand(text: str) -> str:
    if " & " in text:
        return text.replace(" & ", " en ", 1)
    if " en " in text:
        return text.replace(" en ", " & ", 1)
    return text


def _noisy_name(r: random.Random, firm: Firm, tags: list[str], shown_place: str) -> str:
    """The creditor name as an ERP holds it."""
    core = firm.core
    stichting = firm.legal == "Stichting" or core.startswith("Stichting ")
    if core.startswith("Stichting "):
        core = core[len("Stichting "):]
    ops: list[tuple[float, str, Callable[[str], str]]] = [
        (0.18, "vanderabbr", lambda t: _van_der(r, t)),
        (0.15, "abbrev", lambda t: _abbreviate(r, t)),
        (0.10, "ampersand", _ampersand),
        (0.10, "compound", lambda t: _split_compound(r, t)),
        (0.07, "typo", lambda t: _typo(r, t)),
    ]
    for p, tag, fn in ops:
        if r.random() < p:
            new = fn(core)
            if new != core:
                core = new
                tags.append(tag)
    legal = firm.legal
    if stichting:
        style = r.choices(["Stichting {c}", "Stg. {c}", "Stg {c}", "{c}", "{c} (Stichting)", "STICHTING {c}"],
                          [40, 20, 8, 15, 7, 10])[0]
        name = style.format(c=core)
        if not style.startswith("Stichting"):
            tags.append("stichting_spelling")
    else:
        lf = _legal_spelling(r, legal)
        if lf != legal:
            tags.append("legal_spelling")
        name = f"{core} {lf}".strip()
    roll = r.random()
    if roll < 0.06:
        name = f"{core} {shown_place or firm.place}".strip()
        tags.append("place_in_name")
    elif roll < 0.09:
        name = f"{name} - vestiging {shown_place or firm.place}"
        tags.append("branch_suffix")
    elif roll < 0.11:
        name = f"{name} (filiaal {shown_place or firm.place})"
        tags.append("branch_suffix")
    elif roll < 0.13:
        name = f"Vestiging {shown_place or firm.place} {name}"
        tags.append("branch_prefix")
    elif roll < 0.16 and firm.source != "sw":
        fam = _family_in(firm.core)
        owner = f"{(fam or core.split()[0]).split()[-1].capitalize()} Beheer B.V."
        name = f"{owner} h.o.d.n. {name}"
        tags.append("hodn")
    if r.random() < 0.14:
        name = name.upper()
        tags.append("upper")
    if len(name) > 30 and r.random() < 0.45 and not {"hodn", "branch_prefix"} & set(tags):
        name = name[:30].rstrip()
        tags.append("cut30")
    return re.sub(r"\s+", " ", name).strip()


def _noisy_kvk(r: random.Random, firm: Firm, tags: list[str], excel: bool) -> str:
    """The KvK as the ledger holds it, or ""."""
    if r.random() < 0.45:
        tags.append("kvk_missing")
        return ""
    k = firm.kvk
    roll = r.random()
    if firm.holding_kvk and roll < 0.25:
        tags.append("kvk_of_holding")
        return firm.holding_kvk
    if roll < 0.30:
        tags.append("kvk_branch12")
        return k + r.choice(("0000", "0001", "0002"))
    if roll < 0.36:
        tags.append("kvk_formatted")
        return r.choice((f"{k[:2]}.{k[2:4]}.{k[4:6]}.{k[6:]}", f"{k[:4]} {k[4:]}", f"KvK {k}"))
    if roll < 0.375:
        tags.append("kvk_typo")
        i = r.randrange(1, 8)
        return k[:i] + str((int(k[i]) + r.randint(1, 9)) % 10) + k[i + 1:]
    if excel and k.startswith("0"):
        tags.append("kvk_7digit")
        return k[1:]
    return k


def _noisy_place(r: random.Random, firm: Firm, tags: list[str]) -> tuple[str, str]:
    """The creditor's place and postcode as the ledger holds them."""
    place, postcode = firm.place, firm.postcode
    if firm.source == "sw" and r.random() < 0.3:
        place = r.choice(list(vocab.PLACES))
        lo, hi, _ = vocab.PLACES[place]
        postcode = f"{r.randint(lo, hi)} {r.choice('ABCDEFGHJK')}{r.choice('ABCDEFGHJK')}"
        tags.append("sw_branch_place")
    aliases = vocab.PLACES.get(firm.place, (0, 0, ()))[2]
    if r.random() < 0.22:
        place = ""
        tags.append("place_missing")
    elif aliases and r.random() < 0.6 and "sw_branch_place" not in tags:
        place = r.choice(aliases)
        tags.append("place_alias")
    elif r.random() < 0.1:
        place = place.upper()
    roll = r.random()
    if roll < 0.42:
        postcode = ""
        tags.append("postcode_missing")
    elif roll < 0.72:
        postcode = postcode.replace(" ", "")
    elif roll < 0.76:
        postcode = postcode.lower()
    return place, postcode


# ---------------------------------------------------------------- the world


def _make_sw(mk: _Maker, n: int) -> list[Firm]:
    out: list[Firm] = []
    for name, place in vocab.SW_NAMED:
        f = mk.firm("sw", name, "B.V." if mk.rng.random() < 0.3 else "", place, ["sw_named"])
        if f is not None:
            out.append(f)
    tries = 0
    while len(out) < n and tries < n * 20:
        tries += 1
        place = mk.place()
        pat = mk.rng.choice(vocab.SW_PATTERNS)
        core = pat.format(place=place, region=mk.rng.choice(vocab.REGIONS))
        legal = "Stichting" if core.startswith("Stichting") else mk.rng.choice(("", "B.V.", "N.V."))
        f = mk.firm("sw", core, legal, place, ["sw_pattern"])
        if f is not None:
            out.append(f)
    return out


def _cert_rows(r: random.Random, f: Firm, date_fmt: str) -> list[dict[str, str]]:
    """One or two certificate rows of a register firm (a renewal is a second row)."""
    start = dt.date(2021, 1, 1) + dt.timedelta(days=r.randrange(0, 4 * 365 + 150))
    rows = []
    level = r.choices(["Aspirant", "Trede 1", "Trede 2", "Trede 3", "PSO 30+"], [20, 30, 25, 22, 3])[0]
    periods = [(start, start + dt.timedelta(days=3 * 365))]
    if r.random() < 0.08:
        prev = start - dt.timedelta(days=3 * 365)
        periods.insert(0, (prev, start - dt.timedelta(days=1)))
    with_figures = r.random() < 0.65
    revenue = round(r.lognormvariate(14.5, 1.4), -3)
    tfte = round(max(0.5, revenue / 1_000_000 * r.uniform(0.2, 3.0)), 1)
    for a, b in periods:
        rows.append({
            "Naam": f.name, "KvK-nummer": f.kvk, "Plaats": f.place, "Postcode": f.postcode,
            "Niveau": level, "Geldig vanaf": a.strftime(date_fmt), "Geldig tot": b.strftime(date_fmt),
            "Omzet": f"{revenue:.0f}" if with_figures else "", "Doelgroep FTE": f"{tfte}" if with_figures else "",
        })
    return rows


def make_world(seed: int, register_size: int = 5000, suppliers: int = 600, excel: bool = True,
               date_fmt: str = "%d-%m-%Y") -> World:
    """Build one world; deterministic per arguments."""
    r = random.Random(seed * 1_000_003 + register_size)
    mk = _Maker(r)
    firms: dict[str, Firm] = {}

    # the register: plain firms, plus deliberate structures (twins that are certified too)
    reg_firms: list[Firm] = []
    rows: list[dict[str, str]] = []
    while len(rows) < register_size:
        f = mk.firm("register")
        if f is None:
            continue
        reg_firms.append(f)
        rows.extend(_cert_rows(r, f, date_fmt))
        if r.random() < 0.10:  # a certified twin beside it
            t, _ = _twin(mk, f, "register")
            if t is not None:
                if "twin:holding" in t.tags:
                    f.holding_kvk = t.kvk
                    t.holding_kvk = f.kvk
                t.tags.append("registered_twin")
                reg_firms.append(t)
                rows.extend(_cert_rows(r, t, date_fmt))
    rows = rows[:register_size]
    in_register = {row["KvK-nummer"] for row in rows}
    reg_firms = [f for f in reg_firms if f.kvk in in_register]
    for f in reg_firms:
        firms[f.kvk] = f
        if f.holding_kvk is None and r.random() < 0.10:  # a holding outside the register
            f.holding_kvk = mk.kvk()
    sw = _make_sw(mk, 90)
    for f in sw:
        firms[f.kvk] = f
    sw_figures = {f.kvk: (round(r.uniform(5e6, 80e6), -3), round(r.uniform(80, 1500), 1))
                  for f in sw if r.random() < 0.9}

    # who the buyer buys from
    n_sw = max(3, suppliers * 5 // 100)
    n_reg = suppliers * 36 // 100
    n_other = suppliers - n_sw - n_reg
    twinned = [f for f in reg_firms if "registered_twin" in f.tags or f.holding_kvk]
    picks: list[Firm] = r.sample(sw, min(n_sw, len(sw)))
    chosen: set[str] = {f.kvk for f in picks}
    while len(picks) < n_sw + n_reg:
        pool = twinned if (twinned and r.random() < 0.3) else reg_firms
        f = r.choice(pool)
        if f.kvk not in chosen:
            chosen.add(f.kvk)
            picks.append(f)
    others: list[Firm] = []
    while len(others) < n_other:
        roll = r.random()
        if roll < 0.45:
            base = r.choice(reg_firms)
            t, _ = _twin(mk, base, "none")
        elif roll < 0.50:
            base = r.choice(sw)
            core = f"{base.core.split()[0]} {r.choice(vocab.TRADES)}"
            t = mk.firm("none", core, "B.V.", base.place, ["twin:sw_word"])
        else:
            t = mk.firm("none", tags=["plain"])
        if t is not None:
            others.append(t)
            firms[t.kvk] = t
    all_firms = picks + others
    r.shuffle(all_firms)

    # creditor records: one per firm, a second (duplicate creditor) for a few
    creditors: list[Creditor] = []
    seen: set[tuple[str, str]] = set()
    for f in all_firms:
        copies = 2 if (f.source != "none" and r.random() < 0.04) else 1
        for c in range(copies):
            for _attempt in range(20):
                tags = [f"truth:{f.source}", *f.tags] + (["dup_creditor"] if c else [])
                place, postcode = _noisy_place(r, f, tags)
                name = _noisy_name(r, f, tags, place)
                kvk = _noisy_kvk(r, f, tags, excel)
                key = (name.casefold(), place.casefold())
                if key not in seen:
                    seen.add(key)
                    creditors.append(Creditor(name, kvk, place, postcode, f, tags))
                    break

    # invoices
    invoices: list[dict[str, object]] = []
    inv_no = 1000
    for c in creditors:
        if c.firm.source == "sw":
            total = r.uniform(40_000, 900_000)
        else:
            total = r.lognormvariate(9.3, 1.3)
        n_inv = max(1, min(40, int(r.expovariate(1 / 6)) + 1))
        parts = [r.random() + 0.1 for _ in range(n_inv)]
        s = sum(parts)
        for p in parts:
            amount = round(total * p / s, 2)
            if amount < 0.01:
                continue
            inv_no += r.randint(1, 9)
            day = dt.date(LEDGER_YEAR, 1, 1) + dt.timedelta(days=r.randrange(365))
            invoices.append({"creditor": c, "date": day, "amount": amount, "number": f"F{LEDGER_YEAR}-{inv_no}"})
            c.spend += amount
    r.shuffle(invoices)
    buyer_kvk = mk.kvk()
    buyer = {"org_id": buyer_kvk, "name": "Inkoopcentrale Midden B.V.", "employees": 240, "fte": 205.5,
             "target_fte": 6.5, "revenue_eur": 42_000_000, "qualitative_ok": "true"}
    return World(seed, rows, sw, sw_figures, buyer, creditors, invoices, firms)


# ---------------------------------------------------------------- writing


def _num(x: float, comma: bool) -> str:
    s = f"{x:.2f}"
    if not comma:
        return s
    whole, frac = s.split(".")
    neg = whole.startswith("-")
    whole = whole.lstrip("-")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return ("-" if neg else "") + ".".join(groups) + "," + frac


def write_world(world: World, folder: Path, style: str | None = None) -> WorldFiles:
    """Write the world's files the way users hand them over; ``style`` "nl" (";", decimal comma,
    cp1252, register XLSX) or "intl" (",", points, UTF-8, register CSV); default by seed."""
    folder.mkdir(parents=True, exist_ok=True)
    style = style or ("nl" if world.seed % 2 else "intl")
    nl = style == "nl"
    delim = ";" if nl else ","
    enc = "cp1252" if nl else "utf-8"
    date_fmt = "%d-%m-%Y" if nl else "%Y-%m-%d"

    ledger = folder / "crediteuren.csv"
    with ledger.open("w", newline="", encoding=enc, errors="replace") as fh:
        w = csv.writer(fh, delimiter=delim)
        w.writerow(["Crediteurnaam", "KvK-nummer", "Plaats", "Postcode", "Factuurdatum", "Bedrag excl. btw",
                    "Factuurnummer"])
        for inv in world.invoices:
            c: Creditor = inv["creditor"]  # type: ignore[assignment]
            w.writerow([c.name, c.kvk, c.place, c.postcode, inv["date"].strftime(date_fmt),  # type: ignore[attr-defined]
                        _num(float(inv["amount"]), nl), inv["number"]])  # type: ignore[arg-type]

    level_header = "Niveau" if world.seed % 3 else "Trede"
    reg_rows = []
    for row in world.register:
        out = dict(row)
        out[level_header] = out.pop("Niveau")
        for k in ("Geldig vanaf", "Geldig tot"):
            out[k] = dt.datetime.strptime(out[k], "%d-%m-%Y").strftime(date_fmt)
        if nl and out["Doelgroep FTE"]:
            out["Doelgroep FTE"] = out["Doelgroep FTE"].replace(".", ",")
        reg_rows.append(out)
    header = ["Naam", "KvK-nummer", "Plaats", "Postcode", level_header, "Geldig vanaf", "Geldig tot", "Omzet",
              "Doelgroep FTE"]
    if nl:
        register = folder / "pso-register.xlsx"
        _write_xlsx(register, header, [[row[h] for h in header] for row in reg_rows])
    else:
        register = folder / "pso-register.csv"
        with register.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, delimiter=delim)
            w.writerow(header)
            for row in reg_rows:
                w.writerow([row[h] for h in header])

    sw = folder / "sw-bedrijven.csv"
    with sw.open("w", newline="", encoding=enc, errors="replace") as fh:
        w = csv.writer(fh, delimiter=delim)
        w.writerow(["Naam", "KvK-nummer", "Plaats", "Omzet", "Doelgroep FTE"])
        for f in world.sw:
            rev, tfte = world.sw_figures.get(f.kvk, (None, None))
            w.writerow([f.name, f.kvk, f.place, _num(rev, nl)[:-3] if rev else "",
                        (_num(tfte, nl)[:-1] if tfte else "")])

    buyer = folder / "wij.csv"
    with buyer.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=",")
        w.writerow(list(world.buyer))
        w.writerow([str(v) for v in world.buyer.values()])

    truth = folder / "truth.csv"
    write_truth(world, truth)
    return WorldFiles(ledger, register, sw, buyer, truth, style)


def write_truth(world: World, path: Path) -> None:
    """The ground truth: one row per creditor record."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["ledger_name", "ledger_kvk", "ledger_place", "ledger_postcode", "spend_eur", "truth_kvk",
                    "truth_source", "truth_name", "truth_place", "tags"])
        for c in world.creditors:
            w.writerow([c.name, c.kvk, c.place, c.postcode, f"{c.spend:.2f}", c.truth_kvk,
                        c.firm.source if c.truth_kvk else "none", c.firm.name, c.firm.place, " ".join(c.tags)])


def _write_xlsx(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """A plain workbook with text cells (KvK numbers keep their leading zero)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Register")
    ws.append(["PSO-register, export " + dt.date(LEDGER_YEAR + 1, 1, 15).strftime("%d-%m-%Y")])
    ws.append([])
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)


def main() -> None:
    """Write one world to a folder."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--register", type=int, default=5000)
    ap.add_argument("--suppliers", type=int, default=600)
    ap.add_argument("--style", choices=("nl", "intl"), default=None)
    a = ap.parse_args()
    world = make_world(a.seed, a.register, a.suppliers)
    files = write_world(world, a.out, a.style)
    print(f"wrote {files}")


if __name__ == "__main__":
    main()
