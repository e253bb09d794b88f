"""Generated books and registers with the noise real data has, and the truth behind them.

A :class:`World` holds the true canonical dataset of one buyer (organisations, purchases with
dates, certifications), a PSO register of thousands of rows (the buyer's certified suppliers
among look-alikes: Jansen beside Janssen, one chain in two places), an SW list, and the buyer's
invoices as bookkeepers write them (legal forms dropped or added, case, typos, "Schoonmaakbedr.",
"v.d.", "- vestiging Zwolle", missing or 12-digit KvK numbers, credit notes). Writers put the
invoices into the shapes of AFAS, Exact Online, Twinfield, SAP and UBL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

SURNAMES = ["Jansen", "Janssen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Smits",
            "Meijer", "Meyer", "de Boer", "Mulder", "Mulders", "de Groot", "Bos", "Vos", "Peters",
            "Hendriks", "Hendrikx", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra",
            "Smeets", "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan",
            "Vermeulen", "van den Heuvel", "van der Veen", "van den Broek", "de Bruijn", "de Bruin",
            "van der Heijden", "Schouten", "van Beek", "Willems", "van Vliet", "van de Ven",
            "Hoekstra", "Maas", "Verhoeven", "Koster", "van Dam", "van der Wal", "Prins", "Blom",
            "Huisman", "Peeters", "de Jong", "de Jonge", "Kuipers", "Kuiper", "Veenstra", "Post",
            "Kramer", "van den Bosch", "Timmermans", "Vink", "Gerritsen", "Lammers", "Wouters",
            "Sanders", "Claassen", "Klaassen", "Hermans", "Franken", "Evers", "Bosman", "Roos"]
TRADES = ["Schoonmaakbedrijf", "Bouwbedrijf", "Installatiebedrijf", "Transport", "Hoveniersbedrijf",
          "Drukkerij", "Catering", "Adviesbureau", "Bakkerij", "Autobedrijf", "ICT", "Schildersbedrijf",
          "Beveiliging", "Groenvoorziening", "Logistiek", "Kantoorartikelen", "Recycling", "Techniek"]
INVENTED = ["Alfa", "Noord", "Zuid", "Delta", "Horizon", "Eiland", "Polder", "Duin", "Kompas",
            "Anker", "Zon", "Molen", "Brug", "Haven", "Linde", "Eik", "Berk", "Wilg", "Ster", "Kroon",
            "Zwaluw", "Reiger", "Ooievaar", "Vlinder", "Tulp", "Roos", "Iris", "Lelie", "Klaver"]
LEGAL = ["B.V.", "BV", "V.O.F.", "", "", "", "Holding B.V.", "N.V.", "Stichting"]
PLACES = [("Zwolle", 8011), ("Deventer", 7411), ("Apeldoorn", 7311), ("Amersfoort", 3811),
          ("Utrecht", 3511), ("Ede", 6711), ("Arnhem", 6811), ("Nijmegen", 6511), ("Enschede", 7511),
          ("Hengelo", 7551), ("Almelo", 7601), ("Kampen", 8261), ("Harderwijk", 3841),
          ("Ermelo", 3851), ("Lochem", 7241), ("Zutphen", 7201), ("Doetinchem", 7001),
          ("Groningen", 9711), ("Leeuwarden", 8911), ("Assen", 9401), ("Emmen", 7811),
          ("'s-Hertogenbosch", 5211), ("Eindhoven", 5611), ("Tilburg", 5011), ("Breda", 4811)]
ABBREVIATIONS = [("Schoonmaakbedrijf", "Schoonmaakbedr."), ("van den", "v.d."), ("van der", "v.d."),
                 ("Installatiebedrijf", "Installatiebedr."), ("Bouwbedrijf", "Bouwbedr."),
                 ("Hoveniersbedrijf", "Hoveniersbedr.")]
YEAR = 2025


@dataclass
class World:
    """The truth (canonical tables), the lists, the invoices and the labels."""

    buyer: pd.DataFrame
    truth: dict[str, pd.DataFrame]
    register: pd.DataFrame           # as published: naam, kvk, plaats, postcode, niveau, ...
    sw: pd.DataFrame
    figures: pd.DataFrame
    invoices: pd.DataFrame           # one row per invoice / credit note, as the ledger writes it
    labels: pd.DataFrame             # ledger_name, ledger_place, true_kvk ('' when not listed)

    def write_truth(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for name, frame in self.truth.items():
            frame.to_csv(folder / f"{name}.csv", index=False)
        return folder

    def write_lists(self, folder: Path) -> dict[str, Path]:
        folder.mkdir(parents=True, exist_ok=True)
        paths = {"register": folder / "register.csv", "sw": folder / "sw.csv",
                 "figures": folder / "figures.csv", "buyer": folder / "buyer.csv"}
        self.register.to_csv(paths["register"], index=False, sep=";", encoding="utf-8-sig")
        self.sw.to_csv(paths["sw"], index=False, sep=";")
        self.figures.to_csv(paths["figures"], index=False, sep=";", decimal=",")
        self.buyer.to_csv(paths["buyer"], index=False)
        return paths


def _company_names(rng: np.random.Generator, n: int) -> list[str]:
    out, seen = [], set()
    while len(out) < n:
        trade = TRADES[rng.integers(len(TRADES))]
        sur = SURNAMES[rng.integers(len(SURNAMES))]
        inv = INVENTED[rng.integers(len(INVENTED))]
        inv2 = INVENTED[rng.integers(len(INVENTED))].lower()
        shape = rng.integers(7)
        name = [f"{trade} {sur}", f"{sur} {trade}", f"{inv} {trade}", f"{sur} & {inv}",
                f"{trade} {inv} {sur}", f"{inv}{inv2} {trade}", f"{sur} {inv}{inv2}"][shape]
        key = tuple(sorted(name.lower().replace("&", "").split()))
        if key not in seen:
            seen.add(key)
            out.append(name)
    return out


def _noisy(name: str, legal: str, place: str, rng: np.random.Generator) -> str:
    """A name as a bookkeeper writes it."""
    text = name
    r = rng.random()
    if r < 0.25:
        text = f"{name} {legal}".strip() if legal else f"{name} B.V."
    elif r < 0.35:
        text = f"{name} B.V."
    for full, short in ABBREVIATIONS:
        if full in text and rng.random() < 0.5:
            text = text.replace(full, short)
    if rng.random() < 0.15:
        text = text.upper()
    elif rng.random() < 0.15:
        text = text.lower()
    if rng.random() < 0.1:
        text = f"{text} - vestiging {place}"
    if rng.random() < 0.08:  # a typo in the longest word
        words = text.split()
        k = int(np.argmax([len(w) for w in words]))
        w = words[k]
        if len(w) > 4:
            j = int(rng.integers(1, len(w) - 2))
            words[k] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
        text = " ".join(words)
    return text


def make_world(seed: int = 0, n_register: int = 3000, n_suppliers: int = 80, year: int = YEAR) -> World:
    """One buyer's books and the lists, with the truth behind them (deterministic per seed)."""
    rng = np.random.default_rng(seed)
    names = _company_names(rng, n_register + n_suppliers)
    kvks = rng.choice(np.arange(10_000_000, 99_999_999), size=n_register + n_suppliers + 50, replace=False)
    kvk = [f"{k:08d}" for k in kvks]
    place_idx = rng.integers(len(PLACES), size=n_register + n_suppliers)
    legal = [LEGAL[i] for i in rng.integers(len(LEGAL), size=n_register + n_suppliers)]

    def pc(i: int) -> str:
        base = PLACES[place_idx[i]][1]
        return f"{base + int(rng.integers(0, 9))} {chr(65 + rng.integers(26))}{chr(65 + rng.integers(26))}"

    postcodes = [pc(i) for i in range(n_register + n_suppliers)]
    # the register: certificates of n_register organisations; a chain in two places
    reg_rows = []
    levels = ["Aspirant", "Trede 1", "Trede 2", "Trede 3", "PSO 30+ (trede 3)", "trede 2"]
    for i in range(n_register):
        start = dt.date(year - int(rng.integers(0, 3)), int(rng.integers(1, 13)), 1)
        until = dt.date(start.year + 3, start.month, 1) - dt.timedelta(days=1)
        reg_rows.append({"Naam": f"{names[i]} {legal[i]}".strip(), "KvK-nummer": kvk[i],
                         "Plaats": PLACES[place_idx[i]][0], "Postcode": postcodes[i],
                         "Niveau": levels[rng.integers(len(levels))],
                         "Geldig vanaf": start.strftime("%d-%m-%Y"), "Geldig tot": until.strftime("%d-%m-%Y"),
                         "Omzet": round(float(rng.uniform(2e5, 2e7)), 2),
                         "Doelgroep FTE": round(float(rng.uniform(0, 30)), 2)})
    register = pd.DataFrame(reg_rows)
    # a chain: the same name in another place under another KvK
    for i in range(0, min(40, n_register), 4):
        j = len(register)
        other = (place_idx[i] + 5) % len(PLACES)
        register.loc[j] = {**reg_rows[i], "KvK-nummer": kvk[n_register + n_suppliers + i // 4],
                           "Plaats": PLACES[other][0], "Postcode": f"{PLACES[other][1] + 1} AA"}
    # look-alikes: a one-letter twin of a register name in the same place, another KvK
    twins = {"Jansen": "Janssen", "Smit": "Smits", "Meijer": "Meyer", "Hendriks": "Hendrikx",
             "Mulder": "Mulders", "de Bruijn": "de Bruin", "Kuiper": "Kuipers", "Claassen": "Klaassen"}
    sw_rows = []
    # suppliers of the buyer: 55% register, 10% SW, 35% not listed (some look-alikes of listed)
    sup = []
    chosen = rng.choice(n_register, size=int(n_suppliers * 0.55), replace=False)
    for i in chosen:
        sup.append(("register", int(i)))
    n_sw = int(n_suppliers * 0.10)
    for k in range(n_sw):
        sup.append(("sw", n_register + k))
    for k in range(n_sw, n_suppliers - len(chosen)):
        sup.append(("none", n_register + k))
    twin_of_listed = 0
    suppliers = []
    twin_bases = [int(c) for c in chosen if any(a in names[c] or b in names[c] for a, b in twins.items())]
    # listed look-alikes: the register also holds a one-letter twin of some listed suppliers
    for k, base in enumerate(twin_bases[1::2][:30]):
        a, b = next((a, b) for a, b in twins.items() if a in names[base] or b in names[base])
        twin = names[base].replace(a, b) if a in names[base] else names[base].replace(b, a)
        row = {**reg_rows[base], "Naam": twin, "KvK-nummer": kvk[n_register + n_suppliers + 20 + k]}
        register.loc[len(register)] = row
    taken = {(" ".join(sorted(n.lower().replace("&", "").split())), place_idx[i]) for i, n in enumerate(names[:n_register])}
    for kind, i in sup:
        name, place, postcode = names[i], PLACES[place_idx[i]][0], postcodes[i]
        if kind == "none" and twin_of_listed < n_suppliers // 10:
            pool = twin_bases[0::2] or [int(c) for c in chosen]  # the odd ones have a listed twin
            base = pool[twin_of_listed % len(pool)]
            for a, b in twins.items():
                twin = (names[base].replace(a, b) if a in names[base] else names[base].replace(b, a)) \
                    if (a in names[base] or b in names[base]) else ""
                key = (" ".join(sorted(twin.lower().replace("&", "").split())), place_idx[base])
                if twin and key not in taken:  # a look-alike, not a second company of the same name
                    name = twin
                    place, postcode = PLACES[place_idx[base]][0], postcodes[base]
                    twin_of_listed += 1
                    break
            else:
                twin_of_listed += 1
        suppliers.append({"kind": kind, "i": i, "name": name, "place": place, "postcode": postcode,
                          "kvk": kvk[i],
                          "legal": legal[i]})
        if kind == "sw":
            sw_rows.append({"Naam": f"SW {name}", "KvK": kvk[i], "Plaats": place, "Postcode": postcode,
                            "Omzet": round(float(rng.uniform(5e6, 5e7)), 2),
                            "Doelgroep FTE": round(float(rng.uniform(50, 500)), 1)})
            suppliers[-1]["name"] = f"SW {name}"
    sw = pd.DataFrame(sw_rows, columns=["Naam", "KvK", "Plaats", "Postcode", "Omzet", "Doelgroep FTE"])
    # some register suppliers lack figures in the register: they come from the figures file
    listed = [s for s in suppliers if s["kind"] == "register"]
    no_fig = [s["kvk"] for s in listed[:: 7]]
    figures = register[register["KvK-nummer"].isin(no_fig)][["KvK-nummer", "Omzet", "Doelgroep FTE"]] \
        .drop_duplicates("KvK-nummer").rename(columns={"KvK-nummer": "KvK"})
    register.loc[register["KvK-nummer"].isin(no_fig), ["Omzet", "Doelgroep FTE"]] = np.nan
    register = register.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    return _books(rng, year, suppliers, register, sw, figures, seed)


def _books(rng, year, suppliers, register, sw, figures, seed) -> World:
    buyer_id = "99000001"
    buyer = pd.DataFrame([{"org_id": buyer_id, "name": "Gemeente Voorbeeld", "employees": 120,
                           "fte": 104.5, "target_fte": 3.1, "revenue_eur": 5.0e7, "sw": False,
                           "qualitative_ok": True, "municipality": "Zwolle"}])
    inv_rows, truth_p, labels = [], [], []
    n_inv = 0
    for s in suppliers:
        ledger_name = _noisy(s["name"], s["legal"], s["place"], rng)
        ledger_kvk = ""
        r = rng.random()
        if r < 0.3:
            ledger_kvk = s["kvk"]
        elif r < 0.38:
            ledger_kvk = f"{s['kvk'][:4]} {s['kvk'][4:6]} {s['kvk'][6:]}"
        elif r < 0.42:
            ledger_kvk = s["kvk"] + "0001"  # a vestigingsnummer
        labels.append({"ledger_name": ledger_name, "ledger_place": s["place"],
                       "true_kvk": s["kvk"] if s["kind"] != "none" else "", "kind": s["kind"]})
        for _ in range(int(rng.integers(1, 5))):
            n_inv += 1
            day = dt.date(year, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365)))
            amount = round(float(rng.uniform(200, 60_000)), 2)
            vat = round(amount * 0.21, 2)
            inv_id = f"F{year}-{n_inv:05d}"
            truth_p.append({"buyer_id": buyer_id, "supplier_id": s["kvk"], "amount_eur": amount,
                            "year": year, "date": day.isoformat()})
            credit = round(float(rng.uniform(10, 500)), 2) if rng.random() < 0.15 else 0.0
            inv_rows.append({"supplier_name": ledger_name, "kvk": ledger_kvk, "place": s["place"],
                             "postcode": s["postcode"], "date": day, "invoice_id": inv_id,
                             "amount_excl": round(amount + credit, 2), "vat": round(vat + credit * 0.21, 2),
                             "credit_ref": "", "type": "invoice"})
            if credit:
                n_inv += 1
                inv_rows.append({"supplier_name": ledger_name, "kvk": ledger_kvk, "place": s["place"],
                                 "postcode": s["postcode"], "date": day, "invoice_id": f"C{year}-{n_inv:05d}",
                                 "amount_excl": -credit, "vat": -round(credit * 0.21, 2),
                                 "credit_ref": inv_id, "type": "credit"})
    invoices = pd.DataFrame(inv_rows)
    truth = _truth(buyer, suppliers, register, sw, figures, pd.DataFrame(truth_p))
    return World(buyer, truth, register, sw, figures, invoices, pd.DataFrame(labels))


def _truth(buyer, suppliers, register, sw, figures, purchases) -> dict[str, pd.DataFrame]:
    from pso_chain.loaders.import_settings import load_import_settings
    from pso_chain.loaders.register import level_code

    settings = load_import_settings()
    reg = register.rename(columns={"KvK-nummer": "kvk"})
    fig = figures.set_index("KvK")
    sw_i = sw.set_index("KvK")
    orgs = [buyer.iloc[0].to_dict()]
    certs = []
    for s in suppliers:
        row = {"org_id": s["kvk"], "name": s["name"], "employees": 0, "fte": 1.0, "target_fte": 0.0,
               "revenue_eur": np.nan, "sw": s["kind"] == "sw", "qualitative_ok": True}
        if s["kind"] == "register":
            mine = reg[reg["kvk"] == s["kvk"]]
            rev, tgt = mine["Omzet"].iat[0], mine["Doelgroep FTE"].iat[0]
            if pd.isna(rev):
                rev, tgt = fig.at[s["kvk"], "Omzet"], fig.at[s["kvk"], "Doelgroep FTE"]
            row.update(revenue_eur=rev, target_fte=tgt)
            for c in mine.itertuples(index=False):
                certs.append({"org_id": s["kvk"], "level": level_code(c.Niveau, settings),
                              "valid_from": pd.to_datetime(c._5, dayfirst=True).date().isoformat(),
                              "valid_until": pd.to_datetime(c._6, dayfirst=True).date().isoformat()})
        elif s["kind"] == "sw":
            row.update(revenue_eur=sw_i.at[s["kvk"], "Omzet"], target_fte=sw_i.at[s["kvk"], "Doelgroep FTE"])
        orgs.append(row)
    organisations = pd.DataFrame(orgs).drop_duplicates("org_id")
    return {"organisations": organisations, "purchases": purchases,
            "certifications": pd.DataFrame(certs, columns=["org_id", "level", "valid_from", "valid_until"])}


# --- writers: the shapes of the ERPs ------------------------------------------------------------
def _dutch(x: float) -> str:
    return f"{x:.2f}".replace(".", ",")


def write_afas(inv: pd.DataFrame, path: Path) -> Path:
    frame = pd.DataFrame({
        "Crediteur": [f"{20000 + i}" for i in range(len(inv))], "Naam crediteur": inv["supplier_name"],
        "KvK-nummer": inv["kvk"], "Postcode": inv["postcode"], "Woonplaats": inv["place"],
        "Factuurnummer": inv["invoice_id"], "Factuurdatum": [d.strftime("%d-%m-%Y") for d in inv["date"]],
        "Bedrag excl. btw": inv["amount_excl"].map(_dutch), "Btw-bedrag": inv["vat"].map(_dutch),
        "Bedrag incl. btw": (inv["amount_excl"] + inv["vat"]).map(_dutch), "Valuta": "EUR"})
    frame.to_csv(path, sep=";", index=False, encoding="cp1252", errors="replace")
    return path


def write_exact(inv: pd.DataFrame, path: Path) -> Path:
    frame = pd.DataFrame({
        "Relatie": [f"{30000 + i}" for i in range(len(inv))], "Relatie (naam)": inv["supplier_name"],
        "Datum": pd.to_datetime(inv["date"]), "Factuurnummer": inv["invoice_id"],
        "Omschrijving": "inkoop", "Bedrag (excl. btw)": inv["amount_excl"], "Btw-bedrag": inv["vat"],
        "Valuta": "EUR", "Plaats": inv["place"], "Postcode": inv["postcode"], "KvK-nummer": inv["kvk"]})
    frame.to_excel(path, index=False)
    return path


def write_twinfield(inv: pd.DataFrame, path: Path) -> Path:
    frame = pd.DataFrame({
        "Relatie": [f"{40000 + i}" for i in range(len(inv))], "Naam": inv["supplier_name"],
        "Factuurnummer": inv["invoice_id"], "Factuurdatum": [d.strftime("%d/%m/%Y") for d in inv["date"]],
        "Basisbedrag": inv["amount_excl"].map(_dutch), "Btw": inv["vat"].map(_dutch),
        "Totaal": (inv["amount_excl"] + inv["vat"]).map(_dutch), "Valuta": "EUR", "Plaats": inv["place"],
        "Postcode": inv["postcode"], "KvK": inv["kvk"]})
    body = frame.to_csv(sep=";", index=False)
    path.write_text("Twinfield Crediteuren - factuuroverzicht;;\nAdministratie: 1000 Gemeente Voorbeeld;;\n\n"
                    + body, encoding="utf-8")
    return path


def write_sap(inv: pd.DataFrame, path: Path) -> Path:
    gross = inv["amount_excl"] + inv["vat"]
    frame = pd.DataFrame({
        "Vendor": [f"{100000 + i}" for i in range(len(inv))], "Name 1": inv["supplier_name"],
        "Postal Code": inv["postcode"], "City": inv["place"], "Tax Number 2": inv["kvk"],
        "Reference": inv["invoice_id"], "Document Type": np.where(inv["type"] == "credit", "KG", "KR"),
        "Document Date": pd.to_datetime(inv["date"]), "Amount in Local Currency": -gross,
        "Tax Amount": -inv["vat"], "Local Currency": "EUR"})
    frame.to_excel(path, index=False)
    return path


UBL_TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<{root} xmlns="urn:oasis:names:specification:ubl:schema:xsd:{root}-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
 <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:nen.nl:nlcius:v1.0</cbc:CustomizationID>
 <cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>
 <cbc:ID>{id}</cbc:ID>
 <cbc:IssueDate>{date}</cbc:IssueDate>
 <cbc:{type_tag}>{type_code}</cbc:{type_tag}>
 <cbc:DocumentCurrencyCode>{currency}</cbc:DocumentCurrencyCode>{billing}
 <cac:AccountingSupplierParty><cac:Party>
  {endpoint}
  <cac:PartyName><cbc:Name>{name}</cbc:Name></cac:PartyName>
  <cac:PostalAddress><cbc:CityName>{place}</cbc:CityName><cbc:PostalZone>{postcode}</cbc:PostalZone>
   <cac:Country><cbc:IdentificationCode>NL</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
  <cac:PartyLegalEntity><cbc:RegistrationName>{name}</cbc:RegistrationName>{company}</cac:PartyLegalEntity>
 </cac:Party></cac:AccountingSupplierParty>
 <cac:LegalMonetaryTotal>
  <cbc:LineExtensionAmount currencyID="{currency}">{amount}</cbc:LineExtensionAmount>
  <cbc:TaxExclusiveAmount currencyID="{currency}">{amount}</cbc:TaxExclusiveAmount>
  <cbc:PayableAmount currencyID="{currency}">{gross}</cbc:PayableAmount>
 </cac:LegalMonetaryTotal>
</{root}>
"""


def ubl_document(row: dict, currency: str = "EUR") -> str:
    """One Invoice or CreditNote in SI-UBL 2.0 / Peppol BIS 3.0 shape."""
    from xml.sax.saxutils import escape

    credit = row["type"] == "credit"
    kvk = str(row.get("kvk", "")).replace(" ", "")
    kvk = kvk if len(kvk) in (8, 12) else ""  # 12: a KvK with a branch suffix
    amount = abs(row["amount_excl"])
    return UBL_TEMPLATE.format(
        root="CreditNote" if credit else "Invoice", id=escape(row["invoice_id"]),
        date=pd.Timestamp(row["date"]).date().isoformat(),
        type_tag="CreditNoteTypeCode" if credit else "InvoiceTypeCode", type_code="381" if credit else "380",
        currency=currency, name=escape(row["supplier_name"]), place=escape(row["place"]),
        postcode=escape(row["postcode"]), endpoint=f'<cbc:EndpointID schemeID="0106">{kvk}</cbc:EndpointID>' if kvk else "",
        company=f'<cbc:CompanyID schemeID="0106">{kvk}</cbc:CompanyID>' if kvk else "",
        billing=(f"\n <cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>{row['credit_ref']}"
                 "</cbc:ID></cac:InvoiceDocumentReference></cac:BillingReference>") if credit else "",
        amount=f"{amount:.2f}", gross=f"{amount * 1.21:.2f}")


def write_ubl_folder(inv: pd.DataFrame, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for row in inv.to_dict(orient="records"):
        (folder / f"{row['invoice_id']}.xml").write_text(ubl_document(row), encoding="utf-8")
    return folder
