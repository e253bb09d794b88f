"""Every text of the report in Dutch and English, from one dictionary (key -> (nl, en)).

Dutch is the default: the users (municipalities, buyers, PSO holders) are Dutch. Texts with
``{placeholders}`` are filled by :meth:`Labels.__call__`; numbers arrive already formatted by
the language's :class:`~pso_chain.outputs.display.Formatter`.
"""

from __future__ import annotations

from pso_chain import check
from pso_chain.outputs.display import Formatter

LANGUAGES = ("nl", "en")

LABELS: dict[str, tuple[str, str]] = {
    # page
    "title": ("PSO en ketenstimulering", "PSO and chain stimulation"),
    "subtitle_all": ("alle gemeenten in de gegevens", "all municipalities in the data"),
    "subtitle_municipality": ("gemeente {m}", "municipality of {m}"),
    "header_line": (
        "Peiljaar {year} · PSO-regels versie {rules}",
        "Reference year {year} · PSO rules version {rules}",
    ),
    "header_scope": (
        "{n} van de {total} organisaties in de gegevens",
        "{n} of the {total} organisations in the data",
    ),
    "footer": (
        "Gemaakt met pso-chain {version} (PSO-regels {rules}, peiljaar {year}). Dit rapport is één "
        "bestand: alle grafieken zitten erin, het opent zonder internet.",
        "Made with pso-chain {version} (PSO rules {rules}, reference year {year}). This report is one "
        "file: every chart is inside it, it opens without internet.",
    ),
    "section_summary": ("Samenvatting", "Summary"),
    "section_tredes": ("Verdeling over de treden", "Trede distribution"),
    "section_spend": ("Inkoop bij tellende leveranciers", "Spend with counting suppliers"),
    "section_chain": ("Indicatoren ketenstimulering", "Chain-stimulation indicators"),
    "section_history": ("De olievlek tot nu toe", "The olievlek so far"),
    "section_simulation": ("Simulatie van de olievlek", "Simulation of the olievlek"),
    "section_prospects": ("Wie eerst benaderen", "Who to approach first"),
    "section_method": ("Methode en bronnen", "Method and sources"),
    # general words
    "no_data": ("geen gegevens", "no data"),
    "none_found": ("Geen.", "None."),
    "unknown": ("onbekend", "unknown"),
    "organisations": ("organisaties", "organisations"),
    "all_organisations": ("alle organisaties", "all organisations"),
    "scope": ("selectie", "selection"),
    "name": ("naam", "name"),
    "employees": ("werknemers", "employees"),
    "municipality": ("gemeente", "municipality"),
    "sector": ("sector (SBI-sectie)", "sector (SBI section)"),
    "trede": ("trede", "trede"),
    "trede_n": ("trede {n}", "trede {n}"),
    "no_trede": ("geen trede", "no trede"),
    "share_pct": ("aandeel", "share"),
    "share_of_organisations_pct": ("aandeel van de organisaties (%)", "share of organisations (%)"),
    "indicator": ("indicator", "indicator"),
    "value": ("waarde", "value"),
    "round": ("ronde", "round"),
    "distance": ("afstand (schakels)", "distance (tiers)"),
    "unreachable": ("niet bereikbaar", "unreachable"),
    "fee_eur": ("PSO-bijdrage per jaar", "PSO fee per year"),
    # summary
    "lead_summary": (
        "De belangrijkste cijfers van dit rapport; elke sectie hieronder licht er één toe.",
        "The key figures of this report; each section below explains one of them.",
    ),
    "card_organisations": ("organisaties", "organisations"),
    "card_with_trede": ("halen een trede in {year}", "reach a trede in {year}"),
    "card_certified": ("met geldig certificaat op 1 januari {year}", "certified on 1 January {year}"),
    "card_sw": ("SW-bedrijven", "SW-bedrijven (sheltered work companies)"),
    "card_spend": ("inkoop in {year}", "spend in {year}"),
    "card_counting_share": ("daarvan bij tellende leveranciers", "of which with counting suppliers"),
    "card_prospects": ("kandidaten boven de drempel", "prospects above the threshold"),
    "card_seed_gain": (
        "extra certificeringen met {k} gesubsidieerde organisaties",
        "extra certifications with {k} subsidised organisations",
    ),
    # tredes
    "lead_tredes": (
        "PSO-score van elke organisatie in {year}: directe bijdrage plus de meegetelde indirecte "
        "bijdrage uit inkoop, getoetst aan de norm voor haar grootte en de kwalitatieve eisen.",
        "Each organisation's PSO score in {year}: direct contribution plus the counted indirect "
        "contribution from purchasing, against the norm for its size and the qualitative check.",
    ),
    "chart_tredes": ("Organisaties per trede", "Organisations per trede"),
    "tredes_extra": (
        "PSO 30+ (directe bijdrage van 30% of meer): {pso30}. Organisaties waarbij de grens op de "
        "indirecte bijdrage (het plafond) iets afkapte: {cap}.",
        "PSO 30+ (direct contribution of 30% or more): {pso30}. Organisations whose indirect "
        "contribution was cut by the cap: {cap}.",
    ),
    "closest_title": ("Het dichtst bij de volgende trede", "Closest to the next trede"),
    "below_title": ("Gecertificeerd boven de berekende score (risico bij de volgende audit)",
                    "Certified above the computed score (at risk at the next audit)"),
    "certified_level": ("gecertificeerde trede", "certified level"),
    "norm_pct": ("norm", "norm"),
    "total_pct": ("totale bijdrage", "total contribution"),
    "next_trede": ("volgende trede", "next trede"),
    "gap_pct": ("nog nodig", "still needed"),
    # spend
    "lead_spend": (
        "Welk deel van de inkoop in {year} gaat naar SW-bedrijven en PSO-gecertificeerde leveranciers: "
        "de inkoop die meetelt voor de PSO-score van de inkoper. Inkoop bij zichzelf telt niet mee.",
        "Which part of the spend in {year} goes to SW-bedrijven and PSO-certified suppliers: the spend "
        "that counts for the buyer's PSO score. Purchases from oneself are left out.",
    ),
    "buyers_in": ("inkopers in", "buyers in"),
    "buyers": ("inkopers", "buyers"),
    "spend_eur": ("inkoop", "spend"),
    "counting_spend_eur": ("tellend", "counting"),
    "sw_spend_eur": ("bij SW-bedrijven", "at SW-bedrijven"),
    "certified_spend_eur": ("bij gecertificeerden", "at certified suppliers"),
    "counting_share": ("aandeel tellend", "counting share"),
    "counting_share_pct": (
        "aandeel van de inkoop bij tellende leveranciers (%)",
        "share of spend with counting suppliers (%)",
    ),
    "counting_share_axis": ("aandeel tellend (%)", "counting share (%)"),
    "spend_at_sw": ("SW-bedrijven", "SW-bedrijven"),
    "spend_at_certified": ("PSO-gecertificeerden", "PSO-certified suppliers"),
    "largest_groups": (
        "{n} van de {total} gemeenten: die met de meeste inkoop (en die van dit rapport).",
        "{n} of the {total} municipalities: those with the most spend (and this report's own).",
    ),
    "spend_by_municipality": ("Per gemeente van de inkoper", "By the buyer's municipality"),
    "spend_by_sector": ("Per sector van de inkoper ({scope})", "By the buyer's sector ({scope})"),
    # chain
    "lead_chain": (
        "Kopen gecertificeerde organisaties meer bij tellende leveranciers dan andere, en handelen "
        "gecertificeerden vooral met elkaar? Gemeten over alle organisaties in de gegevens, {year}.",
        "Do certified organisations buy more from counting suppliers than others, and do certified "
        "organisations mostly trade with each other? Measured over all organisations, {year}.",
    ),
    "chart_buyer_groups": ("Aandeel tellende inkoop per soort inkoper", "Counting share by kind of buyer"),
    "group_certified buyers": ("gecertificeerde inkopers", "certified buyers"),
    "group_other buyers": ("overige inkopers", "other buyers"),
    "group_all buyers": ("alle inkopers", "all buyers"),
    "ind_year": ("peiljaar", "reference year"),
    "ind_certified_buyers": ("inkopers met certificaat op 1 januari", "buyers certified on 1 January"),
    "ind_other_buyers": ("overige inkopers", "other buyers"),
    "ind_counting_share_certified_buyers": (
        "aandeel tellende inkoop, gecertificeerde inkopers",
        "counting share, certified buyers",
    ),
    "ind_counting_share_other_buyers": (
        "aandeel tellende inkoop, overige inkopers",
        "counting share, other buyers",
    ),
    "ind_counting_share_all_buyers": ("aandeel tellende inkoop, alle inkopers", "counting share, all buyers"),
    "ind_counting_share_ratio": ("verhouding gecertificeerd / overig", "ratio certified / other"),
    "ind_assortativity_pearson": (
        "assortativiteit van certificering (Pearson, naar inkoopbedrag)",
        "assortativity of certification (Pearson, spend-weighted)",
    ),
    "ind_assortativity_newman": (
        "assortativiteit van certificering (Newman, naar inkoopbedrag)",
        "assortativity of certification (Newman, spend-weighted)",
    ),
    "ind_certified_organisations": ("ooit gecertificeerde organisaties", "organisations ever certified"),
    "ind_history_roots": (
        "certificeringen zonder gecertificeerde afnemer ervoor",
        "certifications without a certified buyer before them",
    ),
    "ind_followed_certified_buyer_share": (
        "aandeel dat een gecertificeerde afnemer volgde",
        "share that followed a certified buyer",
    ),
    "ind_max_generation": ("diepste generatie", "deepest generation"),
    "ind_largest_cascade": ("grootste olievlek (organisaties)", "largest cascade (organisations)"),
    "ind_cascades_with_followers": ("olievlekken met navolgers", "cascades with followers"),
    # history
    "lead_history": (
        "Wie certificeerde na een gecertificeerde afnemer? De 'ouder' van een certificering is de "
        "afnemer die al eerder gecertificeerd was en het meest bij de organisatie kocht; zonder zo'n "
        "afnemer is de certificering een wortel (generatie 0).",
        "Who certified after a certified buyer? A certification's parent is the buyer certified before "
        "it that bought the most from it; without one the certification is a root (generation 0).",
    ),
    "card_ever_certified": ("ooit gecertificeerd (t/m {year})", "ever certified (up to {year})"),
    "card_roots": ("wortels (generatie 0)", "roots (generation 0)"),
    "card_followed": ("volgde een gecertificeerde afnemer", "followed a certified buyer"),
    "card_max_generation": ("diepste generatie", "deepest generation"),
    "card_largest_cascade": ("grootste olievlek", "largest cascade"),
    "chart_history": ("Eerste certificeringen per jaar", "First certifications per year"),
    "first_certifications": ("eerste certificeringen", "first certifications"),
    "generation_0": ("wortel (generatie 0)", "root (generation 0)"),
    "generation_1": ("generatie 1", "generation 1"),
    "generation_2": ("generatie 2 en verder", "generation 2 and deeper"),
    "generation_n": ("generatie {n}", "generation {n}"),
    "chart_cascade": ("De olievlek van {name}", "The cascade of {name}"),
    "largest_cascades": ("De grootste olievlekken", "The largest cascades"),
    "root_id": ("wortel", "root"),
    "cascade_size": ("organisaties", "organisations"),
    "generations": ("generaties", "generations"),
    "first_certified": ("eerste certificering", "first certification"),
    "last_certified": ("laatste certificering", "last certification"),
    "followers_title": ("Certificeringen die een afnemer volgden", "Certifications that followed a buyer"),
    "certified_on": ("gecertificeerd op", "certified on"),
    "generation": ("generatie", "generation"),
    "parent_id": ("ouder", "parent"),
    "parent_name": ("naam ouder", "parent's name"),
    # simulation
    "lead_simulation": (
        "Vooruitblik: inkopers met een certificaat passen de inkoopcode toe en vragen hun leveranciers "
        "om een certificaat. Een leverancier certificeert zodra minstens {threshold} van haar omzet "
        "({year}) van zulke inkopers komt; daarna vraagt zij het weer aan haar eigen leveranciers, "
        "ronde na ronde.",
        "Looking ahead: certified buyers apply the purchasing code and ask their suppliers for a "
        "certificate. A supplier certifies once at least {threshold} of its revenue ({year}) comes "
        "from such buyers; then it asks its own suppliers, round after round.",
    ),
    "chart_rounds": ("Nieuw gecertificeerd per ronde", "Newly certified per round"),
    "newly_certified": ("nieuw gecertificeerd", "newly certified"),
    "cumulative_certified": ("cumulatief", "cumulative"),
    "code_applying": ("inkopers die de code toepassen", "code-applying buyers"),
    "target_fte_new": ("doelgroep-fte bij nieuwe", "target-group FTE in new"),
    "counting_spend_share": ("aandeel tellende inkoop", "counting spend share"),
    "in_municipality": ("waarvan in {m}", "of which in {m}"),
    "simulation_result": (
        "De simulatie komt na {rounds} ronde(n) tot stilstand met {n} nieuw gecertificeerde "
        "organisaties.",
        "The simulation stops after {rounds} round(s) with {n} newly certified organisations.",
    ),
    # prospects and seeds
    "lead_prospects": (
        "Organisaties zonder geldig certificaat, het dichtst bij inkopers die de code toepassen eerst "
        "(afstand in schakels), daarna wie het grootste deel van de omzet aan hen verkoopt. Wie al "
        "{threshold} of meer haalt, staat volgens de simulatie op het punt te certificeren.",
        "Organisations without a valid certificate, nearest to code-applying buyers first (distance in "
        "tiers), then those selling the largest part of their revenue to them. Those at {threshold} or "
        "more are, by the simulation's rule, about to certify.",
    ),
    "code_buyers": ("afnemers met code", "code-applying buyers"),
    "code_share": ("omzetaandeel code-afnemers", "revenue share from code buyers"),
    "meets_threshold": ("boven de drempel", "above the threshold"),
    "meets_threshold_short": ("≥ drempel", "≥ threshold"),
    "below_threshold": ("onder de drempel", "below the threshold"),
    "chart_exposure": ("Kandidaten per afstand", "Prospects by distance"),
    "prospects_by_tier": ("Kandidaten per afstand", "Prospects by distance"),
    "median_code_share": ("mediaan omzetaandeel", "median revenue share"),
    "seeds_title": ("Welke {k} organisaties subsidiëren", "Which {k} organisations to subsidise"),
    "seeds_lead": (
        "Als de gemeente de certificering van deze organisaties ({scope}) stimuleert, certificeert de "
        "simulatie de meeste anderen: ze worden één voor één gekozen (gretig, met luie evaluatie), elk "
        "met wat zij er nog aan toevoegen.",
        "If the municipality stimulates the certification of these organisations ({scope}), the "
        "simulation certifies the most others: they are picked one at a time (greedy, with lazy "
        "evaluation), each with what it still adds.",
    ),
    "marginal_gain": ("extra gecertificeerd", "extra certified"),
    "cumulative_gain": ("cumulatief extra", "cumulative extra"),
    "target_fte_gain": ("extra doelgroep-fte", "extra target-group FTE"),
    "seeds_picked": ("gekozen organisaties", "organisations picked"),
    "extra_certified": ("extra gecertificeerd", "extra certified"),
    "chart_seeds": (
        "Verwachte verspreiding per gesubsidieerde organisatie",
        "Expected spread per subsidised organisation",
    ),
    "no_seeds": (
        "Geen enkele organisatie brengt met haar inkoop een leverancier over de drempel.",
        "No organisation tips any supplier over the threshold with its purchases.",
    ),
    "with_seeds": ("cumulatief met {k} gesubsidieerd", "cumulative with {k} subsidised"),
    "spread_caption": (
        "Simulatie zonder en met de {k} gesubsidieerde organisaties (die zelf in ronde 0 meetellen).",
        "Simulation without and with the {k} subsidised organisations (counted themselves in round 0).",
    ),
    "spread": (
        "Verwachte verspreiding: zonder subsidie certificeren {base} organisaties; met de {k} "
        "gesubsidieerde samen {seeded}, dus {extra} extra naast de {k} zelf, met {fte} extra "
        "doelgroep-fte. Hun PSO-bijdragen samen: {fee} per jaar.",
        "Expected spread: without a subsidy {base} organisations certify; with the {k} subsidised "
        "together {seeded}, so {extra} more beside the {k} themselves, with {fte} extra target-group "
        "FTE. Their PSO fees together: {fee} a year.",
    ),
    # method
    "lead_method": (
        "Hoe elk getal in dit rapport tot stand komt en waar de regels vandaan komen.",
        "How every number in this report is made and where the rules come from.",
    ),
    "m_rules": ("PSO-regels", "PSO rules"),
    "m_rules_text": (
        "Regelbestand {name}, versie {version}. Elk getal van de methode (normen, gewichten, plafond, "
        "tellende niveaus, PSO 30+, bijdragen) komt uit dit bestand, niet uit de code.",
        "Rules file {name}, version {version}. Every number of the method (norms, weights, cap, "
        "eligible levels, PSO 30+, fees) comes from this file, not from code.",
    ),
    "m_scores": ("Score", "Score"),
    "m_scores_text": (
        "Directe bijdrage = 100 × gewogen doelgroep-fte / totale fte. Indirecte fte = som over "
        "tellende inkopen van bedrag / omzet leverancier × doelgroep-fte leverancier; indirecte "
        "bijdrage = 100 × indirecte fte / (fte + indirecte fte). Totaal = direct + meegeteld indirect; "
        "de trede is de hoogste waarvan de norm (lineair geïnterpoleerd naar het aantal werknemers) "
        "gehaald wordt, alleen met een positieve kwalitatieve toets.",
        "Direct contribution = 100 × weighted target-group FTE / total FTE. Indirect FTE = sum over "
        "counting purchases of amount / supplier revenue × supplier target-group FTE; indirect "
        "contribution = 100 × indirect FTE / (FTE + indirect FTE). Total = direct + counted indirect; "
        "the trede is the highest whose norm (linearly interpolated to the number of employees) is "
        "met, and only with a passed qualitative check.",
    ),
    "m_eligible": ("Tellende inkoop", "Counting purchases"),
    "m_eligible_text": (
        "Een inkoop telt als de leverancier een SW-bedrijf is, of een certificaat van niveau {levels} "
        "heeft dat geldig is op de inkoopdatum (zonder datum: op een dag van het jaar); inkoop bij "
        "zichzelf telt nooit.",
        "A purchase counts when the supplier is an SW-bedrijf, or holds a certificate of level "
        "{levels} valid on the purchase date (without a date: on some day of the year); a purchase "
        "from oneself never counts.",
    ),
    "m_cap": ("Plafond", "Cap"),
    "m_cap_text": (
        "Het indirecte deel is hoogstens {share} van het totaal (minstens {direct} direct): de "
        "meegetelde indirecte bijdrage is hoogstens {ratio} × de directe.",
        "The indirect part is at most {share} of the total (at least {direct} direct): the counted "
        "indirect contribution is at most {ratio} × the direct one.",
    ),
    "m_pso30": ("PSO 30+", "PSO 30+"),
    "m_pso30_text": ("Een directe bijdrage van {pct} of meer.", "A direct contribution of {pct} or more."),
    "m_spend": ("Inkoop bij tellende leveranciers", "Spend with counting suppliers"),
    "m_spend_text": (
        "Het bedrag van de tellende inkopen (zoals hierboven) gedeeld door alle inkoop van het jaar, "
        "zonder inkoop bij zichzelf; ingedeeld naar gemeente of SBI-sectie van de inkoper. Een "
        "SW-bedrijf met certificaat telt als SW-bedrijf.",
        "The amount of counting purchases (as above) over all spend of the year, purchases from "
        "oneself left out; grouped by the buyer's municipality or SBI section. An SW-bedrijf with a "
        "certificate counts as an SW-bedrijf.",
    ),
    "m_code_applying": ("Inkopers die de code toepassen", "Code-applying buyers"),
    "m_code_applying_text": (
        "Organisaties met een tellend certificaat dat geldig is op 1 januari {year} (en applies_code "
        "niet op nee).",
        "Organisations holding an eligible certificate valid on 1 January {year} (and applies_code not "
        "false).",
    ),
    "m_history": ("Geschiedenis", "History"),
    "m_history_text": (
        "Per organisatie de eerste certificeringsdatum d; de ouder is de afnemer die vóór d "
        "gecertificeerd was en in de jaren tot en met het jaar van d het meest bij haar kocht (gelijk: "
        "kleinste org_id).",
        "Each organisation's first certification date d; its parent is the buyer certified before d "
        "with the largest purchases from it in the years up to and including year(d) (ties: smallest "
        "org_id).",
    ),
    "m_simulation": ("Simulatie", "Simulation"),
    "m_simulation_text": (
        "Druk op een organisatie = inkoop door code-toepassende inkopers / haar omzet; zij "
        "certificeert zodra de druk haar drempel haalt (kolom threshold, anders {threshold}) en past "
        "de code vanaf de volgende ronde toe. Stop als een ronde niemand toevoegt.",
        "Pressure on an organisation = purchases by code-applying buyers / its revenue; it certifies "
        "once the pressure meets its threshold (column threshold, else {threshold}) and applies the "
        "code from the next round. Stop when a round adds nobody.",
    ),
    "m_exposure": ("Kandidaten", "Prospects"),
    "m_exposure_text": (
        "Voor elke organisatie zonder geldig certificaat: het aandeel van haar omzet van "
        "code-toepassende inkopers en het aantal schakels (leveranciersstappen) tot de "
        "dichtstbijzijnde.",
        "For every organisation without a valid certificate: the share of its revenue from "
        "code-applying buyers and the number of tiers (supplier hops) to the nearest one.",
    ),
    "m_seeds": ("Te subsidiëren organisaties", "Organisations to subsidise"),
    "m_seeds_text": (
        "De {k} organisaties waarvan certificering de simulatie de meeste anderen laat certificeren "
        "({objective}), gretig gekozen met luie evaluatie (CELF, Leskovec e.a. 2007); elke winst is "
        "exact nagerekend met de simulatie.",
        "The {k} organisations whose certification makes the simulation certify the most others "
        "({objective}), chosen greedily with lazy evaluation (CELF, Leskovec et al. 2007); every gain "
        "is computed exactly with the simulation.",
    ),
    "objective_count": ("aantal organisaties", "number of organisations"),
    "objective_fte": ("doelgroep-fte", "target-group FTE"),
    "m_data": ("Gegevens", "Data"),
    "m_data_text": (
        "{files}; {orgs} organisaties, {rows} inkoopregels, jaren {years}.",
        "{files}; {orgs} organisations, {rows} purchase rows, years {years}.",
    ),
    "norm_table": ("Normtabel (percentage van de totale fte)", "Norm table (percent of total FTE)"),
    "fee_table": ("Jaarlijkse PSO-bijdrage", "Annual PSO fee"),
    "sources": ("Bronnen", "Sources"),
    "source_pso_pages": (
        "PSO-Nederland, openbare methodepagina's: 'PSO-normen', 'Directe sociale bijdrage', 'De "
        "PSO-doelgroep', 'Indirecte sociale bijdrage', 'De prestatieniveaus van de PSO' "
        "(pso-nederland.nl).",
        "PSO-Nederland, public method pages: 'PSO-normen', 'Directe sociale bijdrage', 'De "
        "PSO-doelgroep', 'Indirecte sociale bijdrage', 'De prestatieniveaus van de PSO' "
        "(pso-nederland.nl).",
    ),
    "source_brochure": (
        "Brochure 'Prestatieladder Socialer Ondernemen' (TNO / PSO-Nederland): treden, "
        "olievlekwerking, jaarlijkse bijdrage.",
        "Brochure 'Prestatieladder Socialer Ondernemen' (TNO / PSO-Nederland): levels, the oil-slick "
        "effect, annual fee.",
    ),
    "source_code": (
        "Bijlage 'Socialer inkoopbeleid met de PSO-prestatieladder': een inkoopcode die van elke "
        "leverancier een geldig certificaat vraagt.",
        "Annex 'Socialer inkoopbeleid met de PSO-prestatieladder': a purchasing code asking every "
        "supplier for a valid certificate.",
    ),
    "source_design": (
        "pso-chain, ontwerp en contracten (olievlek: simulatie, geschiedenis, blootstelling).",
        "pso-chain, design and contracts (olievlek: simulation, history, exposure).",
    ),
    "rules_file_source": ("regelbestand [{table}]", "rules file [{table}]"),
}


class Labels:
    """The texts of one language: ``lab("key", **values)``, plus helpers for tredes, buyer
    groups and indicators, and the language's number :class:`Formatter` as ``fmt``."""

    def __init__(self, lang: str = "nl"):
        check.choice(lang, LANGUAGES, "lang")
        self.lang = lang
        self.fmt = Formatter(lang)
        self._index = LANGUAGES.index(lang)

    def __call__(self, key: str, **values) -> str:
        text = LABELS[key][self._index]
        return text.format(**values) if values else text

    def trede(self, trede) -> str:
        """``trede 2`` / ``geen trede`` for a trede value (``"none"``, NA or 0 for none)."""
        text = "" if trede is None else str(trede)
        if text in ("", "none", "0", "<NA>", "nan"):
            return self("no_trede")
        return self("trede_n", n=text)

    def buyer_group(self, group: str) -> str:
        key = f"group_{group}"
        return self(key) if key in LABELS else group

    def indicator(self, name: str, meaning: str = "") -> str:
        """Label of a ``chain_stats`` indicator (its own ``meaning`` when this file has none)."""
        key = f"ind_{name}"
        return self(key) if key in LABELS else (meaning or name)
