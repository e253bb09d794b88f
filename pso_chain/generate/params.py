"""The generator's parameters: tables and their schemas, municipalities, sectors, name words,
size classes, certification and target-group mixes (one place, not spread over the code)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

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
        "delivers": "str",
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
# What SW-bedrijven sell (their own code, 8899, says nothing of it): cleaning, green maintenance,
# packaging — the ``delivers`` column, matched by supplier search and substitutes.
SW_DELIVERS = "81210;81300;82920"

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


