"""Synthetic purchase networks in the canonical tables, at any scale.

Everything is drawn with one ``numpy.random.Generator(PCG64(seed))`` in a fixed order, so a
seed gives the same tables on every machine. All work is vectorised: one million
organisations and ten million purchases take seconds, not hours.

What the data looks like:

- organisation sizes are heavy-tailed (about 60% have 1-9 employees, a few have tens of
  thousands); FTE, revenue and sector follow from size;
- buyers and suppliers are drawn with preferential (Zipf-like) weights, so a few hubs buy and
  sell a lot; amounts are lognormal and scale with the buyer; no buyer buys more than part of
  its revenue and no supplier sells more than part of its revenue;
- PSO certification spreads along the network: every year from 2012, organisations certify
  with a small size-dependent hazard that rises with the share of their sales going to
  already certified buyers (the olievlek), then renew, move up or lapse;
- SW-bedrijven (about one per 2,000 organisations) are large, with most of their FTE from the
  target group;
- certified organisations and SW-bedrijven get one ``employees_records`` row per
  target-group person, and their ``target_fte`` is exactly the weighted sum of those rows
  (weights from the rules file).

>>> tables = generate_dataset(200, 1_000, seed=1)
>>> sorted(tables)
['certifications', 'employees_records', 'organisations', 'purchases']
>>> len(tables["organisations"]), len(tables["purchases"])
(200, 1000)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pso_chain.rules import Rules, load_rules

Progress = Callable[[str], None] | None

TABLE_NAMES = ("organisations", "purchases", "employees_records", "certifications")

#: Column order and pandas dtype of each generated table (the canonical contract).
SCHEMAS: dict[str, dict[str, str]] = {
    "organisations": {
        "org_id": "str",
        "name": "str",
        "employees": "int64",
        "fte": "float64",
        "target_fte": "float64",
        "revenue_eur": "float64",
        "sw": "bool",
        "pso_level": "str",
        "pso_valid_from": "datetime64[us]",
        "pso_valid_until": "datetime64[us]",
        "qualitative_ok": "bool",
        "sbi": "str",
        "municipality": "str",
        "postcode": "str",
    },
    "purchases": {
        "buyer_id": "str",
        "supplier_id": "str",
        "amount_eur": "float64",
        "year": "int64",
        "date": "datetime64[us]",
    },
    "employees_records": {
        "org_id": "str",
        "person_id": "str",
        "start_position": "str",
        "contract_type": "str",
        "hours_per_week": "float64",
        "fulltime_hours": "float64",
        "months": "int64",
    },
    "certifications": {
        "org_id": "str",
        "level": "str",
        "valid_from": "datetime64[us]",
        "valid_until": "datetime64[us]",
    },
}

FIRST_ORG_NUMBER = 10_000_001

# --- municipalities: (name, population in thousands, first and last 4-digit postcode) ------
MUNICIPALITIES: tuple[tuple[str, int, int, int], ...] = (
    ("Amsterdam", 930, 1011, 1109), ("Rotterdam", 670, 3011, 3089),
    ("'s-Gravenhage", 560, 2491, 2598), ("Utrecht", 375, 3511, 3585),
    ("Eindhoven", 245, 5611, 5658), ("Groningen", 240, 9711, 9747),
    ("Tilburg", 230, 5011, 5049), ("Almere", 225, 1311, 1363), ("Breda", 185, 4811, 4839),
    ("Nijmegen", 182, 6511, 6546), ("Apeldoorn", 167, 7311, 7364), ("Arnhem", 166, 6811, 6846),
    ("Haarlem", 165, 2011, 2037), ("Enschede", 162, 7511, 7548),
    ("Haarlemmermeer", 160, 2131, 2159), ("Amersfoort", 160, 3811, 3829),
    ("Zaanstad", 160, 1501, 1567), ("'s-Hertogenbosch", 160, 5211, 5249),
    ("Zwolle", 132, 8011, 8047), ("Leiden", 128, 2311, 2334), ("Zoetermeer", 127, 2711, 2729),
    ("Leeuwarden", 126, 8911, 8939), ("Maastricht", 122, 6211, 6229), ("Ede", 121, 6711, 6739),
    ("Dordrecht", 120, 3311, 3329), ("Alphen aan den Rijn", 114, 2401, 2409),
    ("Westland", 113, 2671, 2695), ("Alkmaar", 111, 1811, 1827), ("Emmen", 108, 7811, 7849),
    ("Delft", 105, 2611, 2629), ("Venlo", 103, 5911, 5929), ("Deventer", 102, 7411, 7429),
    ("Helmond", 94, 5701, 5709), ("Oss", 93, 5341, 5349), ("Purmerend", 93, 1441, 1448),
    ("Amstelveen", 92, 1181, 1189), ("Hilversum", 92, 1211, 1223),
    ("Súdwest-Fryslân", 91, 8601, 8629), ("Sittard-Geleen", 91, 6131, 6169),
    ("Heerlen", 87, 6411, 6419), ("Nissewaard", 85, 3201, 3209), ("Hengelo", 82, 7551, 7559),
    ("Schiedam", 80, 3111, 3125), ("Lelystad", 80, 8211, 8245),
    ("Leidschendam-Voorburg", 78, 2261, 2275), ("Roosendaal", 78, 4701, 4709),
    ("Gouda", 75, 2801, 2809), ("Vlaardingen", 75, 3131, 3138), ("Almelo", 74, 7601, 7609),
    ("Hoorn", 74, 1621, 1625), ("Velsen", 69, 1971, 1991), ("Assen", 69, 9401, 9409),
    ("Bergen op Zoom", 68, 4601, 4625), ("Veenendaal", 68, 3901, 3909),
    ("Capelle aan den IJssel", 67, 2901, 2909), ("Katwijk", 66, 2221, 2225),
    ("Zeist", 66, 3701, 3709), ("Nieuwegein", 65, 3431, 3439),
    ("Lansingerland", 64, 2651, 2665), ("Hardenberg", 62, 7771, 7799),
    ("Barneveld", 61, 3771, 3781), ("Doetinchem", 59, 7001, 7009), ("Roermond", 59, 6041, 6049),
    ("Oosterhout", 57, 4901, 4909), ("Den Helder", 56, 1781, 1789),
    ("Hoogeveen", 56, 7901, 7909), ("Smallingerland", 56, 9201, 9204),
    ("Kampen", 55, 8261, 8269), ("Terneuzen", 55, 4531, 4539), ("Woerden", 53, 3441, 3449),
    ("Heerenveen", 51, 8441, 8449), ("Weert", 50, 6001, 6009), ("Harderwijk", 49, 3841, 3849),
    ("Middelburg", 49, 4331, 4339), ("Zutphen", 48, 7201, 7207), ("Vlissingen", 45, 4381, 4389),
    ("Tiel", 43, 4001, 4009), ("Wageningen", 40, 6701, 6709), ("Goes", 39, 4461, 4465),
    ("Meppel", 35, 7941, 7949), ("Lochem", 34, 7241, 7245), ("Epe", 33, 8161, 8166),
    ("Ermelo", 27, 3851, 3853), ("Voorst", 25, 7381, 7399), ("Brummen", 21, 6971, 6975),
)

# --- sectors: SBI 2008 sections (weight ~ share of Dutch businesses) and real 4-digit codes --
# Each code: (code, section, kind, revenue factor, sector words). kind "bv": a company,
# "st": a foundation (Stichting ...), "gov": a public body (no legal form).
SECTION_WEIGHTS: dict[str, float] = {
    "A": 0.05, "B": 0.001, "C": 0.05, "D": 0.003, "E": 0.003, "F": 0.12, "G": 0.17,
    "H": 0.04, "I": 0.05, "J": 0.06, "K": 0.02, "L": 0.03, "M": 0.18, "N": 0.06, "O": 0.003,
    "P": 0.04, "Q": 0.07, "R": 0.04, "S": 0.05, "T": 0.001, "U": 0.0005,
}
SBI_CODES: tuple[tuple[str, str, str, float, tuple[str, ...]], ...] = (
    ("0111", "A", "bv", 1.0, ("Akkerbouw", "Landbouwbedrijf")),
    ("0150", "A", "bv", 1.0, ("Agrarisch Bedrijf", "Boerderij")),
    ("0161", "A", "bv", 1.0, ("Loonbedrijf",)),
    ("0812", "B", "bv", 3.0, ("Zandwinning", "Grindwinning")),
    ("1011", "C", "bv", 2.0, ("Vleesverwerking", "Slachterij")),
    ("1071", "C", "bv", 0.8, ("Bakkerij", "Banketbakkerij")),
    ("1812", "C", "bv", 1.0, ("Drukkerij", "Grafisch Bedrijf")),
    ("2511", "C", "bv", 1.3, ("Staalbouw", "Constructiebedrijf")),
    ("2562", "C", "bv", 1.2, ("Metaalbewerking", "Metaaltechniek")),
    ("2829", "C", "bv", 1.5, ("Machinefabriek",)),
    ("3109", "C", "bv", 1.0, ("Meubelmakerij", "Interieurbouw")),
    ("3511", "D", "bv", 4.0, ("Energie", "Energiebedrijf")),
    ("3811", "E", "bv", 1.5, ("Afvalinzameling", "Afvalservice")),
    ("4120", "F", "bv", 1.5, ("Bouwbedrijf", "Aannemersbedrijf", "Bouwgroep")),
    ("4211", "F", "bv", 1.5, ("Wegenbouw", "Grond- en Wegenbouw")),
    ("4321", "F", "bv", 1.1, ("Elektrotechniek", "Installatietechniek")),
    ("4322", "F", "bv", 1.1, ("Installatiebedrijf", "Loodgietersbedrijf")),
    ("4332", "F", "bv", 1.0, ("Timmerbedrijf", "Timmerfabriek")),
    ("4334", "F", "bv", 0.8, ("Schildersbedrijf", "Afbouw")),
    ("4391", "F", "bv", 1.0, ("Dakdekkersbedrijf",)),
    ("4511", "G", "bv", 3.0, ("Autobedrijf", "Autohandel")),
    ("4520", "G", "bv", 1.0, ("Autoservice", "Garagebedrijf")),
    ("4690", "G", "bv", 3.5, ("Groothandel", "Handelsonderneming")),
    ("4711", "G", "bv", 1.5, ("Supermarkt",)),
    ("4759", "G", "bv", 1.0, ("Woonwinkel", "Woonwarenhuis")),
    ("4941", "H", "bv", 1.2, ("Transport", "Transportbedrijf", "Logistiek")),
    ("5229", "H", "bv", 1.5, ("Expeditie",)),
    ("5320", "H", "bv", 0.7, ("Koeriersdienst",)),
    ("5610", "I", "bv", 0.5, ("Restaurant", "Eetcafé")),
    ("5621", "I", "bv", 0.6, ("Catering", "Cateringservice")),
    ("5630", "I", "bv", 0.5, ("Café",)),
    ("6201", "J", "bv", 1.1, ("Software", "Softwareontwikkeling")),
    ("6202", "J", "bv", 1.1, ("ICT", "IT Services")),
    ("6419", "K", "bv", 2.5, ("Bank",)),
    ("6622", "K", "bv", 1.2, ("Assurantiën", "Verzekeringen")),
    ("6820", "L", "bv", 2.0, ("Vastgoed",)),
    ("6831", "L", "bv", 1.0, ("Makelaardij",)),
    ("6910", "M", "bv", 1.2, ("Advocaten", "Advocatenkantoor")),
    ("6920", "M", "bv", 1.0, ("Accountants", "Administratiekantoor")),
    ("7022", "M", "bv", 1.2, ("Advies", "Adviesgroep", "Consultancy")),
    ("7112", "M", "bv", 1.1, ("Ingenieursbureau",)),
    ("7311", "M", "bv", 1.0, ("Reclamebureau", "Communicatie")),
    ("7810", "N", "bv", 1.0, ("Werving & Selectie",)),
    ("7820", "N", "bv", 0.8, ("Uitzendbureau", "Uitzendgroep")),
    ("8121", "N", "bv", 0.5, ("Schoonmaakbedrijf", "Schoonmaakdiensten")),
    ("8130", "N", "bv", 0.7, ("Groenvoorziening", "Hoveniersbedrijf")),
    ("8211", "N", "bv", 0.8, ("Officeservice",)),
    ("8411", "O", "gov", 0.6, ("Omgevingsdienst", "Belastingsamenwerking", "Veiligheidsregio")),
    ("8520", "P", "st", 0.6, ("Primair Onderwijs", "Basisonderwijs")),
    ("8531", "P", "st", 0.6, ("Scholengemeenschap", "Voortgezet Onderwijs")),
    ("8559", "P", "bv", 0.8, ("Opleidingscentrum", "Trainingen")),
    ("8610", "Q", "st", 0.8, ("Ziekenhuis", "Medisch Centrum")),
    ("8621", "Q", "bv", 1.0, ("Huisartsenpraktijk",)),
    ("8710", "Q", "st", 0.5, ("Zorgcentrum", "Verpleeghuis", "Zorggroep")),
    ("8891", "Q", "st", 0.5, ("Kinderopvang",)),
    ("8899", "Q", "st", 0.5, ("Welzijn", "Maatschappelijk Werk")),
    ("9004", "R", "st", 0.6, ("Theater", "Schouwburg")),
    ("9311", "R", "st", 0.6, ("Sportcentrum", "Zwembad")),
    ("9602", "S", "bv", 0.5, ("Kapsalon", "Haarmode")),
    ("9609", "S", "bv", 0.7, ("Dienstverlening", "Uitvaartzorg")),
    ("9700", "T", "bv", 0.4, ("Huishoudelijke Hulp",)),
    ("9900", "U", "gov", 1.0, ("Internationale Organisatie",)),
)
SW_SBI = "8899"

SURNAMES = (
    "De Vries", "Jansen", "De Jong", "Van den Berg", "Bakker", "Visser", "Smit", "Meijer",
    "De Boer", "Mulder", "De Groot", "Bos", "Vos", "Peters", "Hendriks", "Van Leeuwen",
    "Dekker", "Brouwer", "De Wit", "Dijkstra", "Smits", "De Graaf", "Van der Meer",
    "Van der Linden", "Kok", "Jacobs", "De Haan", "Vermeulen", "Van den Heuvel",
    "Van der Veen", "Van den Broek", "De Bruijn", "Van der Heijden", "Schouten", "Van Beek",
    "Willems", "Van Dijk", "Hoekstra", "Maas", "Verhoeven", "Koster", "Van Dam", "Prins",
    "Blom", "Huisman", "Peeters", "Kuipers", "Van Wijk", "Post", "Kuiper", "Veenstra",
    "Kramer", "Van den Brink", "Scholten", "Timmermans", "Boersma", "Groen", "Wolters",
    "Hermans", "Koning", "Van der Wal", "Bosman", "Evers", "Gerritsen", "Postma", "Hofman",
    "Molenaar", "Wijnands", "Claassen", "Verbeek",
)
PLACE_WORDS = (
    "Veluwe", "IJssel", "Randstad", "Noord", "Oost", "Zuid", "West", "Delta", "Polder",
    "Kempen", "Twente", "Gelre", "Rijnland", "Midden", "Holland", "Brabant", "Zeeland",
    "Friesland", "Achterhoek", "Hanze", "Maasland", "Waal", "Vecht", "Eemland", "De Eik",
    "De Linde", "Het Anker", "De Zwaan", "De Molen", "De Horst",
)
POSTCODE_LETTERS = np.array(list("ABCDEGHJKLMNPRSTVWXZ"))

# --- size classes: (low, high, share); within a class log-uniform, the top one Pareto -------
SIZE_CLASSES = ((1, 10, 0.62), (10, 50, 0.26), (50, 250, 0.09), (250, 1000, 0.022),
                (1000, 5000, 0.007), (5000, 120_000, 0.001))
REVENUE_PER_EMPLOYEE = 120_000.0
SW_REVENUE_PER_EMPLOYEE = 35_000.0

# --- certification dynamics --------------------------------------------------------------
LEVEL_LABELS = np.array(["", "aspirant", "1", "2", "3"])  # level code 0..4
LEVEL_YEARS = np.array([0, 2, 3, 3, 3])  # aspirant two years, a trede three
RENEW_PROB = np.array([0.0, 0.70, 0.82, 0.86, 0.90])
#: rows: current level (aspirant, 1, 2, 3); columns: next level (aspirant, 1, 2, 3)
RENEW_TRANSITION = np.array([
    [0.05, 0.60, 0.25, 0.10],
    [0.00, 0.70, 0.25, 0.05],
    [0.00, 0.10, 0.70, 0.20],
    [0.00, 0.02, 0.13, 0.85],
])
FIRST_LEVEL_SMALL = np.array([0.42, 0.30, 0.17, 0.11])
FIRST_LEVEL_LARGE = np.array([0.30, 0.30, 0.22, 0.18])
#: yearly base hazard of a first certification by size class (<10, <50, <250, >=250)
CERT_HAZARD = np.array([0.0005, 0.0018, 0.0045, 0.011])
CERT_HAZARD_BOUNDS = np.array([10, 50, 250])
#: hazard multiplier per unit share of sales going to certified buyers (the olievlek)
OLIEVLEK_BETA = 12.0
FIRST_CERT_YEAR = 2012

# --- target-group persons ---------------------------------------------------------------
START_MIX_SW = {"sw": 0.70, "pw_lks": 0.10, "wajong": 0.10, "pw": 0.05, "wia": 0.05}
START_MIX = {
    "pw": 0.22, "pw_lks": 0.18, "wajong": 0.15, "wia": 0.12, "bbl1": 0.06, "bbl2": 0.05,
    "vso_pro": 0.06, "ww": 0.05, "wiw_id": 0.01, "lost_status": 0.03, "jh_wml": 0.02,
    "register": 0.04, "sw": 0.01,
}
CONTRACT_MIX_SW = {"regular": 0.65, "sw_seconded": 0.15, "supported": 0.10,
                   "internship": 0.05, "trial": 0.05}
CONTRACT_MIX = {"regular": 0.70, "supported": 0.08, "flex": 0.08, "internship": 0.08,
                "trial": 0.06}
HOURS = np.array([8.0, 12.0, 16.0, 20.0, 24.0, 28.0, 32.0, 36.0, 38.0, 40.0])
HOURS_P = np.array([0.03, 0.04, 0.08, 0.12, 0.14, 0.10, 0.18, 0.14, 0.05, 0.12])
HOURS_P_SW = np.array([0.0, 0.0, 0.03, 0.07, 0.10, 0.10, 0.25, 0.25, 0.08, 0.12])
FULLTIME = np.array([40.0, 38.0, 36.0])
FULLTIME_P = np.array([0.80, 0.12, 0.08])
FULL_YEAR_P = 0.8  # share of persons counted all twelve months


def municipality_names() -> list[str]:
    """The municipality names the generator knows (real Dutch municipalities)."""
    return [m[0] for m in MUNICIPALITIES]


def generate_dataset(
    n_orgs: int,
    n_purchases: int,
    seed: int = 0,
    year: int = 2025,
    n_years: int = 1,
    municipalities: Sequence[str] | None = None,
    rules: Rules | None = None,
    progress: Progress = None,
) -> dict[str, pd.DataFrame]:
    """Return the canonical tables: organisations, purchases, employees_records, certifications.

    ``n_purchases`` rows are spread over the years ``year - n_years + 1 .. year`` (the same
    relations repeat every year, the reference year complete). ``municipalities`` restricts
    the organisations to those municipalities (names from :func:`municipality_names`).
    ``rules`` (default: the packaged rules) gives the norms and the person weights, so that
    ``target_fte`` equals the weighted sum of ``employees_records``. Deterministic per seed.

    >>> t = generate_dataset(50, 200, seed=3, municipalities=["Apeldoorn", "Epe"])
    >>> sorted(t["organisations"]["municipality"].unique().tolist())
    ['Apeldoorn', 'Epe']
    """
    if n_orgs < 1:
        raise ValueError("n_orgs must be at least 1")
    if n_purchases < 0:
        raise ValueError("n_purchases must be >= 0")
    if n_purchases > 0 and n_orgs < 2:
        raise ValueError("purchases need at least 2 organisations")
    if n_years < 1:
        raise ValueError("n_years must be at least 1")
    if n_orgs + FIRST_ORG_NUMBER > 100_000_000:
        raise ValueError("at most 89,999,999 organisations (8-digit ids)")
    rules = rules if rules is not None else load_rules()
    say = progress or (lambda _msg: None)
    rng = np.random.Generator(np.random.PCG64(seed))

    say(f"organisations: {n_orgs:,}")
    orgs = _organisations(rng, n_orgs, municipalities)
    say(f"purchases: {n_purchases:,} over {n_years} year(s)")
    rel_buyer, rel_supplier, rel_amount, purchases = _purchases(
        rng, orgs, n_purchases, year, n_years)
    say("certification histories")
    certs, current = _certifications(rng, orgs, rel_buyer, rel_supplier, rel_amount, year)
    say("target-group FTE and employees_records")
    records = _target_group(rng, orgs, current, rules)
    say("assembling tables")
    return _assemble(orgs, current, certs, records, purchases)


# ----------------------------------------------------------------------------- organisations


def _log_uniform_int(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Integers in [lo, hi) with density ~ 1/x."""
    u = rng.random(len(lo))
    return np.floor(np.exp(np.log(lo) + u * (np.log(hi) - np.log(lo)))).astype(np.int64)


def _employees(rng: np.random.Generator, n: int) -> np.ndarray:
    lo = np.array([c[0] for c in SIZE_CLASSES], dtype=float)
    hi = np.array([c[1] for c in SIZE_CLASSES], dtype=float)
    p = np.array([c[2] for c in SIZE_CLASSES])
    cls = rng.choice(len(p), size=n, p=p / p.sum())
    emp = _log_uniform_int(rng, lo[cls], hi[cls])
    top = cls == len(p) - 1  # Pareto tail (alpha 1.5) for the largest employers
    tail = lo[-1] * rng.random(int(top.sum())) ** (-1 / 1.5)
    emp[top] = np.minimum(tail, hi[-1]).astype(np.int64)
    return np.maximum(emp, 1)


def _sw_count(n: int) -> int:
    """About one SW-bedrijf per 2,000 organisations, at least one."""
    return max(1, round(n / 2000))


def _take(words: Sequence[str], idx: np.ndarray) -> pa.Array:
    return pa.array(list(words), type=pa.string()).take(pa.array(idx))


def _join(*parts: pa.Array | str) -> pa.Array:
    """Element-wise concatenation of string arrays (and scalars) without separator."""
    return pc.binary_join_element_wise(*parts, "")


def _organisations(
    rng: np.random.Generator, n: int, municipalities: Sequence[str] | None
) -> dict[str, np.ndarray | pa.Array]:
    # municipality, weighted by population
    known = {m[0]: m for m in MUNICIPALITIES}
    if municipalities is None:
        chosen = list(MUNICIPALITIES)
    else:
        unknown = [m for m in municipalities if m not in known]
        if unknown or not municipalities:
            raise ValueError(
                f"unknown municipalities {unknown}; known: {', '.join(municipality_names())}")
        chosen = [known[m] for m in dict.fromkeys(municipalities)]
    pop = np.array([m[1] for m in chosen], dtype=float)
    muni = rng.choice(len(chosen), size=n, p=pop / pop.sum())
    pc_lo = np.array([m[2] for m in chosen])[muni]
    pc_hi = np.array([m[3] for m in chosen])[muni]
    digits = rng.integers(pc_lo, pc_hi + 1)
    letters = rng.integers(0, len(POSTCODE_LETTERS), size=(n, 2))
    first, second = POSTCODE_LETTERS[letters[:, 0]], POSTCODE_LETTERS[letters[:, 1]]
    second = np.where((first == "S") & np.isin(second, ["A", "D", "S"]), "T", second)
    postcode = pc.binary_join_element_wise(
        pc.cast(pa.array(digits), pa.string()), pa.array(first), pa.array(second), "")
    muni_names = _take([m[0] for m in chosen], muni)

    # size, sector, FTE, revenue
    employees = _employees(rng, n)
    sec_w = np.array([SECTION_WEIGHTS[c[1]] for c in SBI_CODES])
    per_section = {s: sum(c[1] == s for c in SBI_CODES) for s in SECTION_WEIGHTS}
    code_w = sec_w / np.array([per_section[c[1]] for c in SBI_CODES])
    code = rng.choice(len(SBI_CODES), size=n, p=code_w / code_w.sum())
    fte = np.round(employees * rng.uniform(0.6, 0.95, n), 2)
    rev_factor = np.array([c[3] for c in SBI_CODES])[code]
    rpe = REVENUE_PER_EMPLOYEE * rev_factor * rng.lognormal(-0.125, 0.5, n)

    # SW-bedrijven: large, low revenue per employee, sector 8899
    sw = np.zeros(n, dtype=bool)
    sw_idx = np.sort(rng.choice(n, size=_sw_count(n), replace=False))
    sw[sw_idx] = True
    employees[sw_idx] = _log_uniform_int(
        rng, np.full(len(sw_idx), 300.0), np.full(len(sw_idx), 3000.0))
    fte[sw_idx] = np.round(employees[sw_idx] * rng.uniform(0.75, 0.9, len(sw_idx)), 2)
    code[sw_idx] = [c[0] for c in SBI_CODES].index(SW_SBI)
    rpe[sw_idx] = SW_REVENUE_PER_EMPLOYEE * rng.lognormal(0.0, 0.2, len(sw_idx))
    revenue = np.maximum(np.round(employees * rpe, 0), 1000.0)

    names = _names(rng, n, code, employees, muni_names)
    sw_names = _join(
        _take(["Werkbedrijf ", "Sociaal Werkbedrijf ", "", "Participatiebedrijf "],
              rng.integers(0, 4, len(sw_idx))),
        muni_names.take(pa.array(sw_idx)),
        _take(["", "", " Werkt", ""], rng.integers(0, 4, len(sw_idx))),
    )
    names = pc.replace_with_mask(names, pa.array(sw), sw_names)
    return {
        "employees": employees, "fte": fte, "revenue": revenue, "sw": sw,
        "sbi": _take([c[0] for c in SBI_CODES], code), "name": names,
        "municipality": muni_names, "postcode": postcode, "public": np.isin(
            np.array([c[1] for c in SBI_CODES])[code], ["O", "P", "Q"]),
    }


def _names(rng: np.random.Generator, n: int, code: np.ndarray, employees: np.ndarray,
           muni_names: pa.Array) -> pa.Array:
    """Plausible Dutch company names: sector word, surname or place, legal form."""
    words = [w for c in SBI_CODES for w in c[4]]
    counts = np.array([len(c[4]) for c in SBI_CODES])
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    sector = _take(words, offsets[code] + np.floor(rng.random(n) * counts[code]).astype(int))
    sur1 = _take(SURNAMES, rng.integers(0, len(SURNAMES), n))
    sur2 = _take(SURNAMES, rng.integers(0, len(SURNAMES), n))
    place = pc.if_else(pa.array(rng.random(n) < 0.5),
                       _take(PLACE_WORDS, rng.integers(0, len(PLACE_WORDS), n)), muni_names)
    patterns = [
        _join(sector, " ", sur1),              # Bakkerij De Vries
        _join(sur1, " ", sector),              # Jansen Transport
        _join(sector, " ", place),             # Schoonmaakbedrijf Veluwe
        _join(sur1, " & ", sur2, " ", sector),  # Bakker & Smit Accountants
    ]
    company = pc.choose(pa.array(rng.choice(4, n, p=[0.35, 0.3, 0.2, 0.15])), *patterns)
    small = employees < 10
    u = rng.random(n)
    legal_idx = np.where(small, np.select([u < 0.35, u < 0.5], [0, 1], 2),
                         np.where((employees >= 1000) & (u < 0.1), 3, 2))
    legal = _take(["", " V.O.F.", " B.V.", " N.V."], legal_idx)
    kind = np.array([c[2] for c in SBI_CODES])[code]
    foundation = _join("Stichting ", sector, " ", place)
    public = _join(sector, " ", place)
    out = pc.if_else(pa.array(kind == "st"), foundation,
                     pc.if_else(pa.array(kind == "gov"), public, _join(company, legal)))
    return out


# --------------------------------------------------------------------------------- purchases


def _purchases(
    rng: np.random.Generator, orgs: dict, m: int, year: int, n_years: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    n = len(orgs["employees"])
    n_rel = -(-m // n_years) if m else 0
    employees = orgs["employees"].astype(float)
    revenue = orgs["revenue"]
    # preferential weights: buyers by size, suppliers by revenue, both with lognormal noise
    w_buy = employees**0.9 * rng.lognormal(0.0, 0.8, n) * np.where(orgs["public"], 1.5, 1.0)
    w_sup = revenue**0.8 * rng.lognormal(0.0, 1.0, n) * np.where(orgs["sw"], 10.0, 1.0)
    # counts per organisation, then rows: buyers come out grouped, suppliers shuffled
    org = np.arange(n, dtype=np.int64)
    buyer = np.repeat(org, rng.multinomial(n_rel, w_buy / w_buy.sum()))
    supplier = rng.permutation(np.repeat(org, rng.multinomial(n_rel, w_sup / w_sup.sum())))
    # hubs meet hubs by chance: redraw the supplier of repeated pairs (two passes leave a few)
    for _ in range(2):
        key = np.sort(buyer * n + supplier)
        buyer, supplier = key // n, key % n
        repeat = np.flatnonzero(key[1:] == key[:-1]) + 1
        supplier[repeat] = _weighted_draw(rng, w_sup, len(repeat))
    same = buyer == supplier
    if n > 1:
        supplier[same] = (buyer[same] + 1 + rng.integers(0, n - 1, int(same.sum()))) % n
    # a few relations repeat an earlier pair: several invoice rows for one buyer and supplier
    dup = np.flatnonzero(rng.random(n_rel) < 0.01)
    if n_rel > 1 and len(dup):
        src = rng.integers(0, n_rel, len(dup))
        buyer[dup], supplier[dup] = buyer[src], supplier[src]
    expected_rows = n_rel * w_buy / w_buy.sum()
    mean_amount = 0.3 * revenue / np.maximum(expected_rows, 3.0)
    sigma = 1.1
    rel_amount = mean_amount[buyer] * rng.lognormal(-sigma**2 / 2, sigma, n_rel)

    # rows: relation r % n_rel in year (year - r // n_rel); the reference year is complete
    rows = np.arange(m, dtype=np.int64)
    rel = (rows % n_rel) if n_rel else rows
    year_back = (rows // n_rel) if n_rel else rows
    b, s = buyer[rel], supplier[rel]
    amount = rel_amount[rel] * np.where(year_back > 0, rng.lognormal(-0.03, 0.25, m), 1.0)
    # no supplier sells more than 80% and no buyer buys more than 60% of its revenue a year
    for who, share in ((s, 0.8), (b, 0.6)):
        key = who * n_years + year_back
        total = np.bincount(key, weights=amount, minlength=n * n_years)
        limit = np.repeat(revenue * share, n_years)
        scale = np.minimum(1.0, limit / np.maximum(total, 1e-9))
        amount *= scale[key]
    amount = np.maximum(np.round(amount, 2), 1.0)
    years = (year - year_back).astype(np.int64)
    jan1 = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
    ndays = 365 + ((years % 4 == 0) & ((years % 100 != 0) | (years % 400 == 0)))
    day = jan1 + np.floor(rng.random(m) * ndays).astype(np.int64)
    dated = rng.random(m) < 0.4
    date = np.where(dated, day, np.iinfo(np.int64).min).astype("datetime64[D]")
    return buyer, supplier, amount[:n_rel], {
        "buyer": b, "supplier": s, "amount": amount, "year": years, "date": date}


def _weighted_draw(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    """``size`` indices drawn with probability proportional to ``weights``."""
    cum = np.cumsum(weights)
    idx = np.searchsorted(cum, rng.random(size) * cum[-1], side="right")
    return np.minimum(idx, len(weights) - 1)


# ---------------------------------------------------------------------------- certifications


def _day(year: int, month: int = 1, day: int = 1) -> int:
    return int(np.datetime64(f"{year:04d}-{month:02d}-{day:02d}", "D").astype(np.int64))


def _add_years_minus_day(days: np.ndarray, years: np.ndarray) -> np.ndarray:
    """The day before the same calendar day ``years`` later (end of a certificate)."""
    d = days.astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    offset = (d - month.astype("datetime64[D]")).astype(np.int64)
    later = (month + (12 * years).astype("timedelta64[M]")).astype("datetime64[D]")
    return later.astype(np.int64) + offset - 1


def _categorical(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One draw per row of ``probs`` (rows sum to one)."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs))[:, None]
    return np.minimum((u >= cum).sum(axis=1), probs.shape[1] - 1)


def _certifications(
    rng: np.random.Generator, orgs: dict, rel_buyer: np.ndarray, rel_supplier: np.ndarray,
    rel_amount: np.ndarray, year: int,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Yearly cascade from 2012 to ``year``: certify (more likely under certified buyers),
    renew (up, same or down a level) or lapse. Returns all certificates and the latest one."""
    n = len(orgs["employees"])
    employees = orgs["employees"]
    sw = orgs["sw"]
    first_year = min(FIRST_CERT_YEAR, year - 3)
    last_day = _day(year, 12, 31)
    none = np.iinfo(np.int64).min // 2
    level = np.zeros(n, dtype=np.int64)
    vfrom = np.full(n, none)
    until = np.full(n, none)
    ever = np.zeros(n, dtype=bool)
    hazard0 = CERT_HAZARD[np.searchsorted(CERT_HAZARD_BOUNDS, employees, side="right")]
    sales = np.bincount(rel_supplier, weights=rel_amount, minlength=n)
    first_p = np.where((employees >= 50)[:, None], FIRST_LEVEL_LARGE, FIRST_LEVEL_SMALL)
    out_org, out_level, out_from, out_until = [], [], [], []
    span = max(year - first_year, 1)
    for t in range(first_year, year + 1):
        jan1, dec31 = _day(t), _day(t, 12, 31)
        # renewals of certificates ending this year
        ending = np.flatnonzero((until >= jan1) & (until <= dec31))
        renew = ending[rng.random(len(ending)) < RENEW_PROB[level[ending]]]
        gap = np.where(rng.random(len(renew)) < 0.85, 0, rng.integers(14, 120, len(renew)))
        new_from = until[renew] + 1 + gap
        keep = new_from <= last_day  # no certificate starts after the reference year
        renew, new_from = renew[keep], new_from[keep]
        new_level = 1 + _categorical(rng, RENEW_TRANSITION[level[renew] - 1])
        new_until = _add_years_minus_day(new_from, LEVEL_YEARS[new_level])
        level[renew], vfrom[renew], until[renew] = new_level, new_from, new_until
        out_org.append(renew)
        out_level.append(new_level)
        out_from.append(new_from)
        out_until.append(new_until)
        # first certifications (and a few returns after a lapse)
        applying = until >= jan1
        to_applying = np.bincount(rel_supplier, weights=rel_amount * applying[rel_buyer],
                                  minlength=n)
        pressure = np.divide(to_applying, sales, out=np.zeros(n), where=sales > 0)
        growth = 0.4 + 1.2 * (t - first_year) / span
        h = hazard0 * growth * (1.0 + OLIEVLEK_BETA * pressure)
        h = np.where(ever, 0.25 * h, h)
        cand = ~applying & ~sw & (until < jan1)
        new = np.flatnonzero(cand & (rng.random(n) < np.minimum(h, 0.9)))
        ndays = _day(t + 1) - jan1
        new_from = jan1 + rng.integers(0, ndays, len(new))
        new_level = 1 + _categorical(rng, first_p[new])
        new_until = _add_years_minus_day(new_from, LEVEL_YEARS[new_level])
        level[new], vfrom[new], until[new] = new_level, new_from, new_until
        ever[new] = True
        out_org.append(new)
        out_level.append(new_level)
        out_from.append(new_from)
        out_until.append(new_until)
    certs = {
        "org": np.concatenate(out_org).astype(np.int64),
        "level": np.concatenate(out_level).astype(np.int64),
        "from": np.concatenate(out_from).astype(np.int64),
        "until": np.concatenate(out_until).astype(np.int64),
    }
    order = np.lexsort((certs["from"], certs["org"]))
    certs = {k: v[order] for k, v in certs.items()}
    holds = until >= _day(year)  # latest certificate valid on some day of the reference year
    current = {
        "level": np.where(holds, level, 0),
        "from": np.where(holds, vfrom, none),
        "until": np.where(holds, until, none),
        "holds": holds,
    }
    return certs, current


# ----------------------------------------------------------------------------- target group


def _mix(table: dict[str, float], codes: list[str]) -> np.ndarray:
    p = np.array([table.get(c, 0.0) for c in codes])
    return p / p.sum()


def _target_group(
    rng: np.random.Generator, orgs: dict, current: dict, rules: Rules
) -> dict[str, np.ndarray | list[str]]:
    """Target-group FTE: person records for certified organisations and SW-bedrijven (their
    target_fte is the weighted sum), a drawn number for a minority of the others."""
    n = len(orgs["employees"])
    employees, fte, sw = orgs["employees"], orgs["fte"].copy(), orgs["sw"]
    level = current["level"]
    norms = rules.norms(employees)  # (n, 3) percent

    # desired direct percentage of the organisations that get person records
    has_records = current["holds"] | sw
    idx = np.flatnonzero(has_records)
    lvl = level[idx]
    norm_of_level = np.where(lvl >= 2, norms[idx, np.clip(lvl - 2, 0, 2)], 0.7 * norms[idx, 0])
    pct = norm_of_level * rng.lognormal(0.05, 0.3, len(idx))
    plus30 = (lvl == 4) & (employees[idx] >= 5) & (rng.random(len(idx)) < 0.1)
    pct = np.where(plus30, rng.uniform(31.0, 55.0, len(idx)), pct)
    pct = np.where(sw[idx], rng.uniform(60.0, 90.0, len(idx)), pct)
    desired = fte[idx] * pct / 100.0

    start_codes = list(rules.start_position_weights)
    contract_codes = list(rules.contract_type_weights)
    sw_start, start = _mix(START_MIX_SW, start_codes), _mix(START_MIX, start_codes)
    sw_contract, contract = _mix(CONTRACT_MIX_SW, contract_codes), _mix(CONTRACT_MIX,
                                                                        contract_codes)
    w_start = np.array([rules.start_position_weights[c] for c in start_codes])
    w_contract = np.array([rules.contract_type_weights[c] for c in contract_codes])
    per_year = rules.months_per_year
    e_months = (FULL_YEAR_P * per_year + (1 - FULL_YEAR_P) * 6.0) / per_year
    e_ft = FULLTIME_P @ (1 / FULLTIME)

    def expected_weight(ps, pc_, ph):
        return (ps @ w_start) * (pc_ @ w_contract) * (ph @ HOURS) * e_ft * e_months

    ew = np.where(sw[idx], expected_weight(sw_start, sw_contract, HOURS_P_SW),
                  expected_weight(start, contract, HOURS_P))
    k = np.clip(np.round(desired / ew), 1, employees[idx]).astype(np.int64)

    person_org = np.repeat(idx, k)
    p_sw = sw[person_org]
    np_ = len(person_org)
    seq = np.arange(np_) - np.repeat(np.cumsum(k) - k, k) + 1
    s_code = np.where(p_sw, rng.choice(len(start_codes), np_, p=sw_start),
                      rng.choice(len(start_codes), np_, p=start))
    c_code = np.where(p_sw, rng.choice(len(contract_codes), np_, p=sw_contract),
                      rng.choice(len(contract_codes), np_, p=contract))
    hours = np.where(p_sw, rng.choice(HOURS, np_, p=HOURS_P_SW), rng.choice(HOURS, np_, p=HOURS_P))
    full = rng.choice(FULLTIME, np_, p=FULLTIME_P)
    hours = np.minimum(hours, full)
    months = np.where(rng.random(np_) < FULL_YEAR_P, int(per_year),
                      rng.integers(1, int(per_year), np_)).astype(np.int64)
    weight = w_start[s_code] * w_contract[c_code] * (hours / full) * (months / per_year)
    target = np.bincount(person_org, weights=weight, minlength=n)  # summed in record order

    # the others: most small organisations none, larger ones a little
    rest = np.flatnonzero(~has_records)
    p_has = np.select([employees[rest] < 10, employees[rest] < 50, employees[rest] < 250],
                      [0.08, 0.30, 0.55], 0.8)
    has = rng.random(len(rest)) < p_has
    share = np.minimum(rng.lognormal(np.log(0.015), 0.8, len(rest)), 0.25)
    amount = fte[rest] * np.where(employees[rest] < 10, rng.uniform(0.08, 0.4, len(rest)), share)
    target[rest] = np.where(has, np.maximum(np.round(amount, 2), 0.1), 0.0)

    # target-group persons are part of the workforce: FTE (and headcount) at least cover them
    fte = np.maximum(fte, np.round(target / 0.8, 2))
    employees = np.maximum(employees, np.ceil(fte).astype(np.int64))

    u = rng.random(n)
    qual = np.where(level >= 2, u < 0.97, np.where(level == 1, u < 0.95, u < 0.9))
    return {
        "target": target, "fte": fte, "employees": employees, "qualitative_ok": qual,
        "person_org": person_org, "seq": seq,
        "start": _take(start_codes, s_code),
        "contract": _take(contract_codes, c_code),
        "hours": hours, "fulltime": full, "months": months,
    }


# -------------------------------------------------------------------------------- assembling


def _str_series(arr: pa.Array | pa.ChunkedArray) -> pd.Series:
    """A pandas ``str`` Series over an Arrow string array (no Python objects)."""
    return pd.Series(arr, dtype="str")


def _dates(days: np.ndarray, none: int | None = None) -> pd.Series:
    d = np.asarray(days, dtype=np.int64)
    out = d.astype("datetime64[D]")
    if none is not None:
        out = np.where(d == none, np.datetime64("NaT"), out).astype("datetime64[D]")
    return pd.Series(out.astype("datetime64[us]"))


def _assemble(orgs: dict, current: dict, certs: dict, records: dict,
              purchases: dict) -> dict[str, pd.DataFrame]:
    n = len(orgs["employees"])
    ids = pc.cast(pa.array(np.arange(FIRST_ORG_NUMBER, FIRST_ORG_NUMBER + n)), pa.string())
    none = np.iinfo(np.int64).min // 2
    organisations = pd.DataFrame({
        "org_id": _str_series(ids),
        "name": _str_series(orgs["name"]),
        "employees": records["employees"].astype(np.int64),
        "fte": records["fte"],
        "target_fte": records["target"],
        "revenue_eur": orgs["revenue"].astype(float),
        "sw": orgs["sw"],
        "pso_level": pd.Series(LEVEL_LABELS[current["level"]], dtype="str"),
        "pso_valid_from": _dates(current["from"], none),
        "pso_valid_until": _dates(current["until"], none),
        "qualitative_ok": records["qualitative_ok"].astype(bool),
        "sbi": _str_series(orgs["sbi"]),
        "municipality": _str_series(orgs["municipality"]),
        "postcode": _str_series(orgs["postcode"]),
    })
    dates = purchases["date"]
    purchase_frame = pd.DataFrame({
        "buyer_id": _str_series(ids.take(pa.array(purchases["buyer"]))),
        "supplier_id": _str_series(ids.take(pa.array(purchases["supplier"]))),
        "amount_eur": purchases["amount"],
        "year": purchases["year"],
        "date": pd.Series(dates.astype("datetime64[us]")),
    })
    person_org = pa.array(records["person_org"])
    seq = pc.utf8_lpad(pc.cast(pa.array(records["seq"]), pa.string()), 4, "0")
    employees_records = pd.DataFrame({
        "org_id": _str_series(ids.take(person_org)),
        "person_id": _str_series(_join(ids.take(person_org), "-", seq)),
        "start_position": _str_series(records["start"]),
        "contract_type": _str_series(records["contract"]),
        "hours_per_week": records["hours"].astype(float),
        "fulltime_hours": records["fulltime"].astype(float),
        "months": records["months"],
    })
    certifications = pd.DataFrame({
        "org_id": _str_series(ids.take(pa.array(certs["org"]))),
        "level": pd.Series(LEVEL_LABELS[certs["level"]], dtype="str"),
        "valid_from": _dates(certs["from"]),
        "valid_until": _dates(certs["until"]),
    })
    return {
        "organisations": organisations,
        "purchases": purchase_frame,
        "employees_records": employees_records,
        "certifications": certifications,
    }


# ----------------------------------------------------------------------------------- writing


def write_dataset(
    tables: dict[str, pd.DataFrame], out: Path, fmt: str = "csv", progress: Progress = None
) -> list[Path]:
    """Write each table as OUT/<name>.csv (comma, UTF-8, ISO dates, booleans true/false,
    decimal point, empty for missing) or OUT/<name>.parquet (ids as strings, dates as date32,
    missing dates null). Returns the written paths.
    """
    fmt = fmt.lower().lstrip(".")
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"format must be csv or parquet, not {fmt!r}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    say = progress or (lambda _msg: None)
    written = []
    ordered = [t for t in TABLE_NAMES if t in tables] + [t for t in tables if t not in TABLE_NAMES]
    for name in ordered:
        frame = tables[name]
        path = out / f"{name}.{fmt}"
        say(f"writing {path.name} ({len(frame):,} rows)")
        if fmt == "csv":
            _csv_frame(frame).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        else:
            pq.write_table(_arrow_table(frame), path, compression="zstd")
        written.append(path)
    return written


def _csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Bools as true/false, dates as YYYY-MM-DD, missing values as empty strings."""
    cols = {}
    for col in frame.columns:
        s = frame[col]
        if pd.api.types.is_bool_dtype(s.dtype):
            cols[col] = np.where(s.to_numpy(), "true", "false")
        elif pd.api.types.is_datetime64_any_dtype(s.dtype):
            iso = pa.array(s.to_numpy()).cast(pa.date32()).cast(pa.string())
            cols[col] = _str_series(pc.fill_null(iso, "")).to_numpy()
        elif pd.api.types.is_string_dtype(s.dtype) or s.dtype == object:
            cols[col] = s.fillna("")
        else:
            cols[col] = s
    return pd.DataFrame(cols, index=frame.index)


def _arrow_table(frame: pd.DataFrame) -> pa.Table:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    fields = []
    for field in table.schema:
        if pa.types.is_timestamp(field.type):
            fields.append(pa.field(field.name, pa.date32()))
        elif pa.types.is_large_string(field.type):
            fields.append(pa.field(field.name, pa.string()))
        else:
            fields.append(field)
    return table.cast(pa.schema(fields))
