"""Word lists for the match worlds: Dutch places, family names and their near-twins, trades."""

from __future__ import annotations

# place -> (first postcode digits, last postcode digits, aliases a ledger may use instead)
PLACES: dict[str, tuple[int, int, tuple[str, ...]]] = {
    "Amsterdam": (1011, 1109, ("A'dam", "AMSTERDAM-ZUIDOOST")),
    "Rotterdam": (3011, 3089, ("R'dam",)),
    "'s-Gravenhage": (2491, 2599, ("Den Haag", "DEN HAAG", "s-Gravenhage")),
    "Utrecht": (3511, 3585, ()),
    "Eindhoven": (5611, 5658, ()),
    "Groningen": (9711, 9747, ()),
    "Tilburg": (5011, 5049, ()),
    "Almere": (1311, 1364, ("Almere-Stad",)),
    "Breda": (4811, 4839, ()),
    "Nijmegen": (6511, 6546, ()),
    "Apeldoorn": (7311, 7339, ()),
    "Arnhem": (6811, 6846, ()),
    "Haarlem": (2011, 2037, ()),
    "Enschede": (7511, 7548, ()),
    "Amersfoort": (3811, 3829, ()),
    "Zaandam": (1501, 1509, ("Zaanstad",)),
    "'s-Hertogenbosch": (5211, 5236, ("Den Bosch", "s-Hertogenbosch", "DEN BOSCH")),
    "Zwolle": (8011, 8043, ()),
    "Leiden": (2311, 2334, ()),
    "Maastricht": (6211, 6229, ()),
    "Dordrecht": (3311, 3329, ()),
    "Ede": (6711, 6718, ("Ede Gld",)),
    "Emmen": (7811, 7828, ()),
    "Deventer": (7411, 7431, ()),
    "Delft": (2611, 2629, ()),
    "Venlo": (5911, 5928, ()),
    "Helmond": (5701, 5709, ()),
    "Leeuwarden": (8911, 8939, ("Ljouwert",)),
    "Alkmaar": (1811, 1827, ()),
    "Hilversum": (1211, 1223, ()),
    "Heerlen": (6411, 6422, ()),
    "Gouda": (2801, 2809, ()),
    "Roosendaal": (4701, 4709, ()),
    "Oss": (5341, 5351, ()),
    "Hengelo": (7551, 7559, ("Hengelo Ov",)),
    "Purmerend": (1441, 1448, ()),
    "Schiedam": (3111, 3125, ()),
    "Vlaardingen": (3131, 3138, ()),
    "Lelystad": (8211, 8245, ()),
    "Assen": (9401, 9409, ()),
    "Veenendaal": (3901, 3909, ()),
    "Zeist": (3701, 3709, ()),
    "Nieuwegein": (3431, 3439, ()),
    "Doetinchem": (7001, 7009, ()),
    "Harderwijk": (3841, 3849, ()),
    "Kampen": (8261, 8269, ()),
    "Tiel": (4001, 4007, ()),
    "Heerenveen": (8441, 8449, ("It Hearrenfean",)),
    "Epe": (8161, 8162, ()),
    "Twello": (7391, 7392, ()),
    "Barneveld": (3771, 3774, ()),
    "Capelle aan den IJssel": (2901, 2909, ("Capelle a/d IJssel", "Capelle a/d Yssel")),
    "Alphen aan den Rijn": (2401, 2409, ("Alphen a/d Rijn", "Alphen ad Rijn")),
    "Bergen op Zoom": (4611, 4625, ("Bergen op zoom", "BERGEN OP ZOOM")),
    "Krimpen aan den IJssel": (2921, 2925, ("Krimpen a/d IJssel",)),
    "Sittard": (6131, 6137, ("Sittard-Geleen",)),
    "Weert": (6001, 6006, ()),
    "Goes": (4461, 4465, ()),
    "Middelburg": (4331, 4339, ()),
    "Vlissingen": (4381, 4389, ()),
    "Den Helder": (1781, 1789, ()),
    "Hoorn": (1621, 1628, ()),
    "Zutphen": (7201, 7207, ()),
    "Wageningen": (6701, 6709, ()),
    "Culemborg": (4101, 4108, ()),
    "Woerden": (3441, 3449, ()),
    "Houten": (3991, 3995, ()),
    "Hardenberg": (7771, 7779, ()),
    "Meppel": (7941, 7944, ()),
    "Drachten": (9201, 9206, ()),
    "Sneek": (8601, 8607, ("Snits",)),
    "Winterswijk": (7101, 7109, ()),
    "Oldenzaal": (7571, 7577, ()),
    "Almelo": (7601, 7609, ()),
    "Rijswijk": (2281, 2289, ("Rijswijk ZH",)),
    "Zoetermeer": (2711, 2729, ()),
    "Westland": (2671, 2691, ("Naaldwijk",)),
}

FAMILIES: list[str] = [
    "Jansen", "de Jong", "de Vries", "van den Berg", "van Dijk", "Bakker", "Visser", "Smit", "Meijer",
    "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker",
    "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "van der Linden", "Kok",
    "Jacobs", "de Haan", "Vermeulen", "van den Heuvel", "van der Veen", "van den Broek", "de Bruijn",
    "van der Heijden", "Schouten", "van Beek", "Willems", "van Vliet", "van de Ven", "Hoekstra",
    "Maas", "Verhoeven", "Koster", "van Dam", "van der Wal", "Prins", "Blom", "Huisman", "de Haas",
    "Kuipers", "van Wijk", "Kramer", "Vink", "Post", "Timmermans", "Gerritsen", "Wouters", "Verbeek",
    "Hoogendoorn", "Scholten", "Boersma", "Postma", "Veenstra", "Kuijpers", "van Rijn", "Evers",
    "Claassen", "Lammers", "Bosman", "Wijnands", "Koning", "Groen", "Sanders", "Molenaar", "Goossens",
    "van der Laan", "Brink", "Jonker", "Verschuren", "Franken", "Hermans", "Bosch", "van Doorn",
    "Ruiter", "Zwart", "Veldman", "Schipper", "Hofman", "Dam", "Pronk", "Bouwman", "Wolters",
    "van Veen", "Hoekman", "Rutten", "van Loon", "Klein", "Aarts", "Martens", "Driessen", "Gorter",
]

# family name -> spellings of *other* families that a register holds beside it
NEAR_FAMILIES: dict[str, list[str]] = {
    "Jansen": ["Janssen", "Janssens"], "Bakker": ["Bakkers"], "de Boer": ["Boer", "den Boer"],
    "Smit": ["Smits", "Smid"], "Meijer": ["Meyer", "Meier"], "Peters": ["Peeters", "Pieters"],
    "Hendriks": ["Hendrikx", "Hendricks"], "de Bruijn": ["de Bruin", "de Bruyn"],
    "van den Berg": ["van der Berg", "van de Berg", "van den Burg"],
    "van der Meer": ["van de Meer", "van der Meeren"], "de Vries": ["Vries", "de Vriese"],
    "Mulder": ["Mulders"], "de Jong": ["de Jonge", "Jong"], "Visser": ["Vissers"],
    "de Groot": ["Groot", "de Grote"], "Kuipers": ["Kuijpers", "Kuypers"], "van Dijk": ["van Dijke", "Dijk"],
    "Willems": ["Willemse", "Willemsen"], "Gerritsen": ["Gerritse", "Gerrits"], "Dekker": ["Dekkers"],
    "van den Heuvel": ["van der Heuvel", "van de Heuvel"], "van der Heijden": ["van der Heyden", "van den Heijden"],
    "Wouters": ["Woutersen"], "Bos": ["Bosch", "Vos"], "Vos": ["de Vos", "Bos"], "Kok": ["de Kok"],
    "Maas": ["Maes", "van der Maas"], "Brink": ["van den Brink", "ten Brink"], "Klein": ["de Klein", "Kleijn"],
    "de Haan": ["Haan", "de Haas"], "Koster": ["Kosters", "de Koster"], "Scholten": ["Scholte"],
    "Post": ["Posts", "Postma"], "Groen": ["Groenen", "de Groen"], "Hermans": ["Harmens", "Hermsen"],
}

TRADES: list[str] = [
    "Schoonmaakbedrijf", "Schoonmaakdiensten", "Installatietechniek", "Installatiebedrijf", "Bouwbedrijf",
    "Aannemersbedrijf", "Hoveniersbedrijf", "Transportbedrijf", "Transport", "Logistiek", "Drukkerij",
    "Catering", "Autobedrijf", "Elektrotechniek", "Schildersbedrijf", "Loodgietersbedrijf",
    "Dakdekkersbedrijf", "Metaalbewerking", "Timmerbedrijf", "Adviesbureau", "Accountants",
    "Administratiekantoor", "ICT Diensten", "Beveiliging", "Groenvoorziening", "Glazenwassersbedrijf",
    "Koeriersdienst", "Uitzendbureau", "Detachering", "Kantoorinrichting", "Meubelmakerij",
    "Verhuisbedrijf", "Bloemisterij", "Bakkerij", "Loonbedrijf", "Rijschool", "Keukens", "Tegelzetbedrijf",
    "Stukadoorsbedrijf", "Grondverzet", "Containerverhuur", "Afvalverwerking", "Reclamebureau",
    "Vertaalbureau", "Ingenieursbureau", "Makelaardij", "Notariskantoor", "Advocatenkantoor",
    "Fysiotherapie", "Taxibedrijf", "Busvervoer", "Wasserij", "Ongediertebestrijding", "Brandbeveiliging",
    "Sloopbedrijf", "Rioleringstechniek", "Zonwering", "Kozijnen", "Tuincentrum", "Café", "Schilderwerken",
    "Klimaattechniek", "Bouwmaterialen", "Kantoorartikelen", "Personeelsdiensten", "Facilitaire Diensten",
]

# a register may hold these as two words, a ledger as one, or the other way round
COMPOUND_SUFFIXES: tuple[str, ...] = (
    "bedrijven", "bedrijf", "diensten", "dienst", "techniek", "kantoor", "bureau", "service", "groep",
    "werken", "verhuur", "verwerking", "voorziening",
)

ABBREVIATIONS: list[tuple[str, str]] = [
    ("Administratiekantoor", "Adm.kantoor"), ("Schoonmaakbedrijf", "Schoonmaakbedr."),
    ("Installatietechniek", "Inst.techniek"), ("Installatiebedrijf", "Install.bedr."),
    ("Transportbedrijf", "Transportbedr."), ("Hoveniersbedrijf", "Hov.bedrijf"),
    ("Schoonmaakdiensten", "Schoonm.diensten"), ("Aannemersbedrijf", "Aann.bedrijf"),
    ("Elektrotechniek", "Elektrotechn."), ("Bouwbedrijf", "Bouwbedr."), ("Gebroeders", "Gebr."),
    ("Stichting", "Stg."), ("Nederland", "Ned."), ("Vereniging", "Ver."), ("Coöperatie", "Coop."),
]

SYLLABLES: list[str] = [
    "lu", "cra", "to", "ver", "den", "ta", "nix", "pro", "vi", "sta", "mo", "re", "ka", "lan", "do", "sa",
    "ri", "ne", "el", "va", "ter", "go", "ar", "bo", "zen", "tri", "qua", "lex", "on", "ia", "ex", "ra",
    "mi", "co", "fa", "ven", "tis", "ly", "no", "ber", "gum", "dal", "ro", "ze", "ple", "vo", "tum", "ax",
]

SUFFIX_WORDS: list[str] = [
    "Groep", "Services", "Solutions", "Partners", "Nederland", "Holland", "Totaal", "Service", "Support",
    "Projecten", "Techniek", "Facilitair", "Advies", "Werken", "Zorg", "Media", "Systems",
]

REGIONS: list[str] = [
    "De Veluwe", "Twente", "Achterhoek", "Het Gooi", "West-Brabant", "Midden-Nederland", "Noord", "Zuid",
    "Oost", "West", "De Liemers", "Drechtsteden", "Rivierenland", "Zuid-Limburg", "Friesland", "Drenthe",
    "Flevoland", "Zeeland", "Kennemerland", "Haaglanden", "Rijnmond", "De Peel", "De Kempen", "Salland",
    "IJsselland", "Betuwe", "Gelderse Vallei", "Noordoostpolder", "Waterland", "Het Westland",
]

FOUNDATION_WORDS: list[str] = [
    "Welzijn", "Zorg", "Kinderopvang", "Thuiszorg", "Jeugdzorg", "Sport", "Cultuur", "Wonen", "Onderwijs",
    "Dagbesteding", "Ouderenzorg", "Maatschappelijk Werk", "Vrijwilligerswerk", "Buurtwerk",
]

SCHONE_WORDS: list[str] = ["Ramen", "Stad", "Gebouwen", "Kantoren", "Zaken", "Lucht", "Vloeren", "Start", "Wijk"]

# SW-bedrijven: (name, place); more are made as "Werkbedrijf <place>" and the like
SW_NAMED: list[tuple[str, str]] = [
    ("Presikhaaf Bedrijven", "Arnhem"), ("Lucrato", "Apeldoorn"), ("Ergon", "Tilburg"),
    ("Werkbedrijf Rijk van Nijmegen", "Nijmegen"), ("Diamant-groep", "Tilburg"), ("Wedeo", "Oss"),
    ("Tomin", "Tiel"), ("Synergon", "Nieuwegein"), ("Avres", "Culemborg"), ("Pantar", "Amsterdam"),
    ("Permar", "Zwolle"), ("Empact", "Emmen"), ("Vixia", "Veenendaal"), ("IW4", "Nieuwegein"),
    ("Atlant", "Helmond"), ("Caparis", "Leeuwarden"), ("Paswerk", "Haarlem"), ("Sallcon", "Deventer"),
    ("Alescon", "Assen"), ("Biga Groep", "Groningen"), ("Breed", "Nijmegen"), ("Relim", "Lelystad"),
    ("Wedeka", "Hengelo"), ("Orionis", "Middelburg"), ("Ability", "Middelburg"), ("Tiwos", "Tilburg"),
    ("Wezo Groep", "Kampen"), ("Ergon Werkbedrijf", "Breda"), ("Baanbrekers", "Ede"), ("Laborijn", "Doetinchem"),
    ("Soweco", "Zutphen"), ("Amfors", "Amersfoort"), ("Vebego Werkt", "Zeist"), ("Cedris Groep", "Utrecht"),
    ("Werkbedrijf Apeldoorn-Noord", "Apeldoorn"), ("Maasvallei Groep", "Venlo"), ("Dordtse Werkbedrijven", "Dordrecht"),
    ("Drechtwerk", "Dordrecht"), ("Bibo Werkgroep", "Vlaardingen"), ("Binnenstebuiten Werk", "Gouda"),
]

SW_PATTERNS: list[str] = [
    "Werkbedrijf {place}", "Sociale Werkvoorziening {place}", "WSW {region}", "Werkvoorzieningsschap {region}",
    "Participatiebedrijf {place}", "Werk & Participatie {region}", "Stichting Werkbedrijf {region}",
]
