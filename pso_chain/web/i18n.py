"""The pages' words and number formats: Dutch by default (``€ 1.234,56``, ``31-12-2025``,
ja/nee), English on ``?lang=en`` (remembered in a cookie)."""

from __future__ import annotations

from dataclasses import dataclass

from pso_chain.outputs.display import Formatter

LANGS = ("nl", "en")
LANG_COOKIE = "pso_lang"

WORDS: dict[str, tuple[str, str]] = {
    "app": ("PSO-keten", "PSO chain"),
    "skip": ("Naar de inhoud", "Skip to content"),
    "nav_suppliers": ("Leveranciers zoeken", "Find suppliers"),
    "nav_municipalities": ("Gemeenten", "Municipalities"),
    "nav_quickscan": ("Quick scan", "Quick scan"),
    "nav_api": ("API", "API"),
    "switch": ("English", "Nederlands"),
    "home_lead": ("Zoek gecertificeerde leveranciers en SW-bedrijven, bekijk de PSO-score van een "
                  "organisatie en wat inkoop haar oplevert.",
                  "Find certified suppliers and SW-bedrijven, see an organisation's PSO score and "
                  "what purchasing earns it."),
    "org_lookup": ("Organisatie opzoeken (KvK-nummer)", "Look up an organisation (KvK number)"),
    "open": ("Openen", "Open"),
    "search": ("Zoeken", "Search"),
    "q": ("Naam of KvK-nummer", "Name or KvK number"),
    "sbi": ("Sector (begin SBI-code; ook wat SW-bedrijven leveren)",
            "Sector (SBI code prefix; also what SW-bedrijven deliver)"),
    "delivers": ("Levert ook (SBI)", "Also delivers (SBI)"),
    "municipalities": ("Gemeenten (komma-gescheiden)", "Municipalities (comma-separated)"),
    "min_level": ("Minimaal niveau", "Minimum level"),
    "any": ("elk", "any"),
    "on": ("Geldig op (datum)", "Valid on (date)"),
    "for": ("Voor koper (KvK-nummer)", "For buyer (KvK number)"),
    "gain": ("Extra inkoop (€)", "Extra purchasing (€)"),
    "results": ("resultaten", "results"),
    "no_results": ("Geen leveranciers gevonden.", "No suppliers found."),
    "name": ("Naam", "Name"),
    "org_id": ("KvK / id", "KvK / id"),
    "level": ("Niveau", "Level"),
    "sw": ("SW-bedrijf", "SW-bedrijf"),
    "valid_until": ("Geldig tot", "Valid until"),
    "municipality": ("Gemeente", "Municipality"),
    "yield": ("FTE per mln €", "FTE per € million"),
    "gain_pct": ("Extra score (%-punt)", "Score gain (points)"),
    "trede_after": ("Trede daarna", "Trede after"),
    "score": ("Score", "Score"),
    "trede": ("Trede", "Trede"),
    "none": ("geen", "none"),
    "direct": ("Direct", "Direct"),
    "indirect": ("Indirect (geteld)", "Indirect (counted)"),
    "total": ("Totaal", "Total"),
    "norms": ("Normen trede 1 / 2 / 3", "Norms trede 1 / 2 / 3"),
    "cap": ("Plafond indirect", "Indirect cap"),
    "cap_applied": ("plafond toegepast", "cap applied"),
    "cap_not": ("plafond niet bereikt", "cap not reached"),
    "fee": ("Jaarlijkse bijdrage", "Annual fee"),
    "audit_risk": ("Risico bij de volgende audit", "At risk at the next audit"),
    "audit_risk_text": ("gecertificeerd op trede {want} ({on}), maar de score geeft {got}",
                        "certified at trede {want} ({on}), but the score gives {got}"),
    "aspirant": ("Aspirant", "Aspirant"),
    "aspirant_text": ("aspirant sinds {since}; trede 1 uiterlijk {deadline} ({days} dagen); {gap}",
                      "aspirant since {since}; trede 1 by {deadline} ({days} days); {gap}"),
    "aspirant_met": ("haalt de norm van trede 1 al", "already meets the trede 1 norm"),
    "aspirant_gap": ("{gap} procentpunt onder de norm van trede 1",
                     "{gap} percentage points below the trede 1 norm"),
    "employees": ("Medewerkers", "Employees"),
    "persons": ("Personen in de doelgroep (alleen het aantal)", "Target-group persons (count only)"),
    "target_fte": ("Doelgroep-FTE", "Target-group FTE"),
    "purchases": ("Inkoop", "Purchases"),
    "supplier": ("Leverancier", "Supplier"),
    "date": ("Datum", "Date"),
    "amount": ("Bedrag", "Amount"),
    "counted": ("Telt mee", "Counts"),
    "reason": ("Reden", "Reason"),
    "no_purchases": ("Geen inkoop in dit jaar.", "No purchases in this year."),
    "uplift": ("Wat tilt de score een trede hoger?", "What lifts the score a trede?"),
    "target_trede": ("Doeltrede", "Target trede"),
    "extra_eur": ("Extra inkoop", "Extra purchasing"),
    "reachable": ("Haalbaar", "Reachable"),
    "top_trede": ("Al op de hoogste trede.", "Already at the highest trede."),
    "what_if": ("Wat als?", "What if?"),
    "what_if_lead": ("Wijzig bedragen of voeg een leverancier toe en bereken de score opnieuw.",
                     "Change amounts or add a supplier and compute the score again."),
    "new_supplier": ("Nieuwe leverancier (KvK-nummer)", "New supplier (KvK number)"),
    "new_amount": ("Bedrag bij nieuwe leverancier (€)", "Amount at the new supplier (€)"),
    "compute": ("Bereken", "Compute"),
    "before": ("Nu", "Now"),
    "after": ("Daarna", "After"),
    "year": ("Jaar", "Year"),
    "error": ("Fout", "Error"),
    "not_found": ("Niet gevonden", "Not found"),
    "server_error": ("Er ging iets mis aan onze kant. De fout is vastgelegd.",
                     "Something went wrong on our side. The error has been logged."),
    "bad_request": ("Ongeldige invoer", "Invalid input"),
    "login": ("Inloggen", "Log in"),
    "logout": ("Uitloggen", "Log out"),
    "token": ("Toegangstoken", "Access token"),
    "user": ("Gebruikersnaam", "User name"),
    "password": ("Wachtwoord", "Password"),
    "login_failed": ("Onjuiste gegevens.", "Wrong credentials."),
    "reload": ("Gegevens opnieuw laden", "Reload the data"),
    "reloaded": ("Gegevens opnieuw geladen.", "Data reloaded."),
    "municipality_page": ("Gemeente", "Municipality"),
    "report_frame": ("Rapport", "Report"),
    "open_report": ("Rapport in eigen venster", "Report in its own window"),
    "organisations": ("Organisaties", "Organisations"),
    "prospects": ("Kansrijke organisaties", "Prospects"),
    "seeds": ("Waar een subsidie het meest oplevert", "Where a subsidy does most"),
    "quickscan_lead": ("Upload een grootboekexport of een zip met UBL-facturen.",
                       "Upload a ledger export or a zip of UBL invoices."),
    "qs_books": ("Grootboekexport (.csv, .xlsx) of UBL-facturen (.zip, .xml)",
                 "Ledger export (.csv, .xlsx) or UBL invoices (.zip, .xml)"),
    "qs_register": ("PSO-register (.csv, .xlsx)", "PSO register (.csv, .xlsx)"),
    "qs_buyer": ("Gegevens van de koper (.csv, .xlsx)", "The buyer's figures (.csv, .xlsx)"),
    "qs_sw": ("Lijst SW-bedrijven (optioneel)", "SW-bedrijven list (optional)"),
    "qs_figures": ("Cijfers van leveranciers (optioneel)", "Suppliers' figures (optional)"),
    "qs_accept_review": ("Twijfelgevallen voorlopig meetellen (eerste indruk)",
                         "Count the review band for now (a first look)"),
    "qs_allow_missing": ("Leveranciers zonder cijfers weglaten", "Leave out suppliers without figures"),
    "qs_run": ("Quick scan uitvoeren", "Run the quick scan"),
    "code_share": ("Omzet bij code-toepassers", "Revenue from code-applying buyers"),
    "distance": ("Afstand (schakels)", "Distance (tiers)"),
    "seed_gain": ("Extra certificeringen", "Further certifications"),
    "purchase_rows": ("Inkoopregels", "Purchase rows"),
    "page": ("Pagina", "Page"),
    "previous": ("Vorige", "Previous"),
    "next": ("Volgende", "Next"),
    "largest_suppliers": ("de grootste leveranciers", "the largest suppliers"),
    "match_report": ("Matchrapport", "Match report"),
    "download_xlsx": ("Download als Excel (.xlsx)", "Download as Excel (.xlsx)"),
}


def pick_lang(query: str | None, cookie: str | None) -> str:
    for value in (query, cookie):
        if value in LANGS:
            return value
    return LANGS[0]


@dataclass(frozen=True)
class Text:
    """Words of one language and its number formats (:class:`pso_chain.outputs.display.Formatter`,
    shared with the terminal, the XLSX writer and the report), handed to templates as ``t``."""

    lang: str = "nl"

    @property
    def fmt(self) -> Formatter:
        return Formatter(self.lang)

    def __call__(self, key: str, **values: object) -> str:
        """The word or sentence ``key`` in this language, ``{placeholders}`` filled (the
        template escapes the result)."""
        pair = WORDS.get(key)
        text = key if pair is None else pair[LANGS.index(self.lang)]
        return text.format(**values) if values else text

    def num(self, value, decimals: int = 0) -> str:
        return self.fmt.number(value, decimals)

    def pct(self, value, decimals: int = 2) -> str:
        return self.fmt.pct(value, decimals)

    def eur(self, value, decimals: int = 0) -> str:
        return self.fmt.eur(value, decimals)

    def date(self, value) -> str:
        return self.fmt.date(value)

    def yesno(self, value) -> str:
        return self.fmt.boolean(value)

    def trede(self, value) -> str:
        return self.fmt.trede(value)
