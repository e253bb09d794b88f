"""Write the analyst notebooks in ``notebooks/`` from the cell texts below (stored without
outputs, with fixed cell ids, so the files only change when the texts do).

    .venv/bin/python scripts/make_notebooks.py          # rewrite the notebooks
    .venv/bin/python scripts/make_notebooks.py --check  # exit 1 when a notebook is out of date

Each notebook runs top to bottom on the bundled example with the installed package and nothing
else; ``tests/test_notebooks.py`` executes them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
KERNEL = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}

SCORING = [
    ("md", """# 1 · Scoring and purchase-based uplift

This walk-through scores every organisation of the bundled example (a synthetic region around
Apeldoorn, reference year 2025), traces one organisation's score number by number, and asks
what purchasing would lift it a trede — first for one organisation, then for a whole sector.
It needs only the installed `pso_chain` package and its bundled data, through the public API
(`import pso_chain`): run it top to bottom."""),
    ("code", """import matplotlib.pyplot as plt
import pandas as pd

import pso_chain

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 20)
YEAR = 2025
network = pso_chain.load_example()  # the same as pso_chain.open(pso_chain.example_path())
print(f"{network.n} organisations, {len(network.purchases):,} purchase rows, "
      f"rules {network.rules.version}")"""),
    ("md", """## Every organisation's score

`credits` follows the scoring contract: the direct contribution (weighted target-group FTE over
total FTE), the indirect FTE earned by buying from SW-bedrijven and PSO holders, the cap (at
least 20% of the total must be direct), the norm for the organisation's size and the trede."""),
    ("code", """scores = pso_chain.credits(network, YEAR)
scores[["org_id", "name", "employees", "direct_pct", "indirect_counted_pct", "total_pct", "trede",
        "cap_applied"]].head(10)"""),
    ("md", """The municipal view (`pso_chain.municipality`, without a name: the whole dataset) holds
the trede distribution, who is nearest to the next trede, and the spend with counting
suppliers per sector."""),
    ("code", """region = pso_chain.municipality(network, None, YEAR)
distribution = region["tredes"]
fig, ax = plt.subplots(figsize=(7, 3.2))
ax.bar(distribution["trede"].astype(str), distribution["organisations"], color="#0b6e4f")
ax.set_xlabel("trede")
ax.set_ylabel("organisations")
ax.set_title("Trede distribution")
plt.show()
distribution"""),
    ("md", """Who is nearest to the next trede? The gap is in percentage points of the total
contribution; only organisations with target-group workers are listed."""),
    ("code", """region["closest"].head(8)"""),
    ("md", """## One organisation, number by number

Installatietechniek Epe B.V. (`90000006`) holds trede 1 with a total of 3.696%, just under the
trede 2 norm of 3.7% for 50 employees. `explain` traces every number: each target-group person
with their weights, each purchase and why it did or did not count, the cap and the norm row."""),
    ("code", """ORG = "90000006"
ex = pso_chain.explain(network, ORG, YEAR)
print(ex["name"], "|", ex["trede_reason"])
print(f"direct {ex['direct']['direct_pct']:.4f}% = {ex['direct']['formula']}; "
      f"indirect FTE {ex['indirect']['indirect_fte']:.4f}; norms {ex['norms']['rows']}")
pd.DataFrame(ex["direct"]["persons"])[["person_id", "start_position", "contract_type", "hours_per_week",
                                       "months", "weighted_fte"]]"""),
    ("md", """## What purchasing lifts it a trede

`uplift` says, for each higher trede, whether purchasing can reach it at all (the cap allows
counted indirect of at most 4× direct; a failed qualitative check blocks every trede) and how
much indirect FTE it takes (`targets`), and turns that into the exact minimal extra spend at
each of the best-yielding eligible suppliers (`uplift`; yield: the supplier's target-group FTE
per million euro of its revenue), for a purchase on the date it states."""),
    ("code", """plan = pso_chain.uplift(network, ORG, YEAR, top=3)
plan["targets"][["current_trede", "target_trede", "norm_pct", "reachable", "needed_indirect_fte",
                 "extra_indirect_fte"]]"""),
    ("code", """plan["uplift"][["target_trede", "supplier_id", "supplier_name", "yield_fte_per_meur",
                "extra_eur", "purchase_date"]]"""),
    ("md", """Check the proposal the way an auditor would: add the purchase to the data, score again.
The proposed amount reaches trede 2; one euro less does not."""),
    ("code", """best = plan["uplift"][plan["uplift"]["target_trede"] == 2].iloc[0]


def trede_after(extra_eur: float):
    added = pd.DataFrame({"buyer_id": [ORG], "supplier_id": [best["supplier_id"]],
                          "amount_eur": [extra_eur], "year": [YEAR], "date": [best["purchase_date"]]})
    rescored = pso_chain.credits(network.with_purchases(added=added), YEAR).set_index("org_id")
    return rescored.at[ORG, "trede"]


print(f"{best['extra_eur']:.2f} EUR at {best['supplier_name']}: trede {trede_after(best['extra_eur'])}")
print(f"{best['extra_eur'] - 1:.2f} EUR: trede {trede_after(best['extra_eur'] - 1)}")"""),
    ("md", """Where the cap binds, purchasing cannot help. Veluwse Logistiek B.V. (`90000002`) bought
from an SW-bedrijf, but with one part-time target-group worker (0.48% direct) only 4× that
counts, so trede 3 is out of reach however much more it buys:"""),
    ("code", """pso_chain.uplift(network, "90000002", YEAR)["targets"][
    ["current_trede", "target_trede", "norm_pct", "reachable", "reason"]]"""),
    ("md", """Where could the buyer buy? Every supplier that counts on a date, ranked by yield, with
what 100,000 euros there would do to this buyer's total (cap included)."""),
    ("code", """import datetime as dt

pso_chain.suppliers(network, dt.date(2025, 6, 30), for_org=ORG, year=YEAR)[
    ["org_id", "name", "level", "sw", "municipality", "yield_fte_per_meur", "total_pct_after", "trede_after"]
].head(8)"""),
    ("md", """## A whole sector

The same question for every organisation in construction (SBI divisions 41–43) that employs
target-group workers. Organisations without them cannot rise through purchasing at all:
counted indirect is capped at 4× a direct contribution of zero. For each one: its next trede,
whether purchasing reaches it, and the cheapest single-supplier purchase that does."""),
    ("code", """sbi = network.organisations.set_index("org_id")["sbi"].reindex(scores["org_id"]).to_numpy()
construction = pd.Series(sbi).str[:2].isin(["41", "42", "43"]).to_numpy()
sector = scores[construction & (scores["target_fte"] > 0)]
print(f"construction: {int(construction.sum())} organisations, {len(sector)} with target-group workers")

rows = []
for org_id, name in zip(sector["org_id"], sector["name"], strict=True):
    org_plan = pso_chain.uplift(network, org_id, YEAR, top=1)
    if org_plan["targets"].empty:  # already at trede 3
        continue
    nxt = org_plan["targets"].iloc[0]
    cheapest = org_plan["uplift"][org_plan["uplift"]["target_trede"] == nxt["target_trede"]]
    cheapest = cheapest[cheapest["extra_eur"].notna()]
    rows.append({"org_id": org_id, "name": name, "current_trede": nxt["current_trede"],
                 "target_trede": nxt["target_trede"], "reachable": bool(nxt["reachable"]),
                 "reason": nxt["reason"], "extra_indirect_fte": nxt["extra_indirect_fte"],
                 "supplier": cheapest["supplier_name"].iloc[0] if len(cheapest) else None,
                 "extra_eur": cheapest["extra_eur"].iloc[0] if len(cheapest) else float("nan")})
sector_uplift = pd.DataFrame(rows)
sector_uplift"""),
    ("code", """reachable = sector_uplift[sector_uplift["reachable"] & sector_uplift["extra_eur"].notna()]
reachable = reachable.sort_values("extra_eur")
fig, ax = plt.subplots(figsize=(8, 0.4 * len(reachable) + 1.5))
ax.barh(reachable["name"], reachable["extra_eur"] / 1000, color="#0b6e4f")
ax.set_xlabel("extra spend at the best supplier for the next trede (thousand EUR)")
ax.set_title("Construction: purchasing that lifts each organisation one trede")
fig.tight_layout()
plt.show()
print(f"{len(reachable)} of {len(sector_uplift)} reach their next trede through purchasing, "
      f"together {reachable['extra_eur'].sum():,.0f} EUR of extra spend")"""),
    ("md", """How much of each sector's purchasing (by SBI section of the buyer) already goes to
counting suppliers (SW-bedrijven and PSO holders)?"""),
    ("code", """by_sector = pso_chain.counting_spend(network, YEAR, by="sector")
fig, ax = plt.subplots(figsize=(8, 5))
ax.barh(by_sector["group"], 100 * by_sector["counting_share"], color="#0b6e4f")
ax.set_xlabel("share of spend with counting suppliers (%)")
ax.set_ylabel("SBI section of the buyer")
fig.tight_layout()
plt.show()
by_sector"""),
    ("md", """Next: `02_olievlek.ipynb` follows certification along the supply chains."""),
]

OLIEVLEK = [
    ("md", """# 2 · The olievlek: how certification spreads along supply chains

PSO holders prefer like-minded suppliers and ask them for a certificate; those suppliers
certify and ask their own suppliers in turn — the oil slick (*olievlek*). This notebook looks
back (who followed whom), looks around (who is exposed to code-applying buyers now), and looks
ahead (a threshold cascade), and shows what changes when the thresholds change."""),
    ("code", """import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

import pso_chain

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 20)
YEAR = 2025
network = pso_chain.load_example()
names = network.organisations.set_index("org_id")["name"]"""),
    ("md", """## Looking back: the history

Each organisation's first certification date *d* comes from `certifications`. Its parent is
the buyer, certified before *d*, that bought the most from it in the years up to *d*; without
one it is a root (generation 0)."""),
    ("code", """hist = pso_chain.history(network, YEAR)
indicators = pso_chain.stats(network, YEAR)["indicators"].set_index("indicator")["value"]
indicators[["certified_organisations", "history_roots", "followed_certified_buyer_share",
            "max_generation", "largest_cascade"]]"""),
    ("code", """per_year = pd.to_datetime(hist["certified_on"]).dt.year
counts = pd.crosstab(per_year, hist["generation"] > 0).reindex(columns=[False, True], fill_value=0)
fig, ax = plt.subplots(figsize=(8, 3.5))
ax.bar(counts.index, counts[False], label="root (no certified buyer before)", color="#9aa5b1")
ax.bar(counts.index, counts[True], bottom=counts[False], label="followed a certified buyer", color="#0b6e4f")
ax.set_xlabel("year of first certification")
ax.set_ylabel("organisations")
ax.legend()
plt.show()
pso_chain.cascades(network, YEAR, top=5)"""),
    ("md", """The largest cascade starts at the municipality of Apeldoorn (`90000008`): its cleaner
(`90000009`) became aspirant in 2024, and the cleaner's window cleaner (`90000010`) in 2025 —
generation 2. The certifications that followed a certified buyer:"""),
    ("code", """followers = hist[hist["generation"] > 0]
display(followers.assign(name=names.reindex(followers["org_id"]).to_numpy(),
                         parent=names.reindex(followers["parent_id"]).to_numpy()))"""),
    ("md", """## Looking around: exposure

For every organisation without a valid certificate on 1 January: the share of its revenue that
comes from code-applying buyers (certified buyers applying a purchasing code) and how many tiers
it is from the nearest one. Nearest and most exposed first: a prospect list."""),
    ("code", """prospects = pso_chain.exposure(network, YEAR)
prospects.head(10)"""),
    ("code", """fig, ax = plt.subplots(figsize=(7, 3.2))
for tier, group in prospects.groupby("distance"):
    ax.hist(100 * group["code_share"], bins=20, range=(0, 100), alpha=0.6, label=f"{tier} tier(s) away")
ax.set_xlabel("share of revenue from code-applying buyers (%)")
ax.set_ylabel("organisations")
ax.legend()
plt.show()
prospects.groupby("distance").agg(organisations=("org_id", "size"),
                                  median_code_share=("code_share", "median"),
                                  meets_threshold=("meets_threshold", "sum"))"""),
    ("md", """## Looking ahead: a simulation

Code-applying buyers put pressure on their suppliers: the share of a supplier's revenue bought
by them. A supplier certifies once that pressure reaches its threshold (default 25% of its
revenue), and from the next round on it applies the code to its own suppliers. The run stops
when a round certifies nobody."""),
    ("code", """simulation = pso_chain.simulate(network, YEAR)
rounds = simulation.rounds_frame()
fig, ax = plt.subplots(figsize=(7, 3.2))
ax.bar(rounds["round"], rounds["newly_certified"], color="#0b6e4f", label="newly certified")
ax.plot(rounds["round"], rounds["cumulative_certified"], marker="o", color="#d9822b", label="cumulative")
ax.set_xlabel("round")
ax.set_ylabel("organisations")
ax.legend()
plt.show()
rounds"""),
    ("code", """certified = simulation.certified_frame()
certified.assign(name=names.reindex(certified["org_id"]).to_numpy(),
                 trigger=names.reindex(certified["trigger_id"]).to_numpy())"""),
    ("md", """## What changes when the thresholds change

The threshold is a model choice, not a PSO rule: how much of its revenue must come from
code-applying buyers before an organisation certifies? Run the cascade for a range of
thresholds, and for the fee model (an organisation certifies when the sales it would risk
losing, `pressure × revenue × at_risk`, cover its annual PSO fee)."""),
    ("code", """def outcome(run) -> dict:
    table = run.rounds_frame()
    return {"certified": int(table["cumulative_certified"].iloc[-1]), "rounds": len(table) - 1,
            "target_fte_at_new_certified": float(table["target_fte_at_new_certified"].sum()),
            "counting_spend_share": float(table["counting_spend_share"].iloc[-1])}


thresholds = [0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5]
sweep = pd.DataFrame([{"threshold": t, **outcome(pso_chain.simulate(network, YEAR, threshold=t))}
                      for t in thresholds])
at_risk = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5]
fee_sweep = pd.DataFrame([{"at_risk": a, **outcome(pso_chain.simulate(network, YEAR, model="fee", at_risk=a))}
                          for a in at_risk])
sweep"""),
    ("code", """fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.5))
left.plot(sweep["threshold"] * 100, sweep["certified"], marker="o", color="#0b6e4f")
left.set_xlabel("threshold (% of revenue from code-applying buyers)")
left.set_ylabel("organisations certified by the cascade")
left.set_title("Threshold model")
right.plot(fee_sweep["at_risk"] * 100, fee_sweep["certified"], marker="s", color="#d9822b")
right.set_xscale("log")
right.set_xlabel("share of sales at risk without a certificate (%)")
right.set_title("Fee model")
fig.tight_layout()
plt.show()
fee_sweep"""),
    ("md", """Exposure answers the same question without running the cascade: how many prospects
already sell at least the threshold to code-applying buyers?"""),
    ("code", """pd.DataFrame({"threshold": thresholds,
              "prospects_at_or_above": [int((prospects["code_share"] >= t).sum()) for t in thresholds]})"""),
    ("md", """## Chain-stimulation indicators

Do certified buyers buy more from counting suppliers than others, and do certified
organisations trade mostly with each other (spend-weighted assortativity)?"""),
    ("code", """pso_chain.stats(network, YEAR)["indicators"]"""),
    ("md", """## What the one-tier rule leaves out

The PSO credits a buyer only with its suppliers' *own* target-group FTE. Through all tiers (a
Leontief system over the purchase network), purchases embody more: `upstream_fte_certified` is
what tiers two and beyond add through counting suppliers."""),
    ("code", """comparison = pso_chain.embodied(network, YEAR)
comparison.sort_values("upstream_fte_certified", ascending=False).head(8)"""),
    ("md", """Next: `03_municipality.ipynb` takes one municipality's view."""),
]

MUNICIPALITY = [
    ("md", """# 3 · A municipality's view: who to approach, whom to subsidise, what it brings

A municipality wants more employers to take on people at a distance from the labour market,
and uses the olievlek: employers whose customers apply a social purchasing code are the
easiest to win. This notebook takes Apeldoorn's view of the bundled example: where it stands,
who to approach first, which K organisations a stimulation subsidy should go to, and the
spread to expect. At the end it writes the municipal report. Set `MUNICIPALITY` below to any
municipality of the data: the notebook runs for each of them."""),
    ("code", """import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import pso_chain

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 20)
YEAR = 2025
MUNICIPALITY = "Apeldoorn"
K = 5
network = pso_chain.load_example()
view = pso_chain.municipality(network, MUNICIPALITY, YEAR, k=K)
region = pso_chain.municipality(network, None, YEAR)
print(f"{view['organisations']} of {region['organisations']} organisations "
      f"are in {view['municipality']}")"""),
    ("md", """## Where the municipality stands

Tredes of its organisations against the region, and the share of its buyers' spend that already
goes to counting suppliers."""),
    ("code", """tredes = view["tredes"].merge(region["tredes"], on="trede", suffixes=("_here", "_region"))
fig, ax = plt.subplots(figsize=(7, 3.2))
x = np.arange(len(tredes))
ax.bar(x - 0.2, tredes["share_pct_here"], width=0.4, label=MUNICIPALITY, color="#0b6e4f")
ax.bar(x + 0.2, tredes["share_pct_region"], width=0.4, label="region", color="#9aa5b1")
ax.set_xticks(x, tredes["trede"].astype(str))
ax.set_xlabel("trede")
ax.set_ylabel("share of organisations (%)")
ax.legend()
plt.show()
tredes"""),
    ("code", """by_municipality = pso_chain.counting_spend(network, YEAR, by="municipality")
fig, ax = plt.subplots(figsize=(8, 4))
colours = ["#0b6e4f" if g == MUNICIPALITY else "#9aa5b1" for g in by_municipality["group"]]
ax.barh(by_municipality["group"], 100 * by_municipality["counting_share"], color=colours)
ax.set_xlabel("share of the buyers' spend with counting suppliers (%)")
fig.tight_layout()
plt.show()
by_municipality"""),
    ("md", """## Who to approach first

Organisations in the municipality without a valid certificate, nearest to code-applying buyers
first, then by the share of their revenue those buyers account for: how many code-applying
customers each has, and what they buy there — the municipality's allies in the conversation."""),
    ("code", """prospects = pso_chain.exposure(network, YEAR, municipality=MUNICIPALITY)
prospects.head(10)[["org_id", "name", "sbi", "employees", "code_buyers", "sales_to_code_eur", "code_share",
                    "distance", "meets_threshold"]]"""),
    ("md", """## Which K organisations to subsidise

If the municipality pays for K organisations' certification (a stimulation subsidy), which K
make the cascade certify the most others? Greedy selection with lazy evaluation (CELF) over
candidates in the municipality; every gain is exact, computed with the cascade itself. The
annual PSO fee is a first estimate of what each subsidy costs. Who can adopt is the same as
in the simulation: organisations without a certificate on 1 January, SW-bedrijven left out
(purchases from them count already). `target_fte_at_certified_gain` is the target-group FTE
those organisations employ already: existing jobs, not new ones."""),
    ("code", """selection = pso_chain.seeds(network, K, YEAR, municipality=MUNICIPALITY)
seeds = selection.frame
print(f"{selection.candidates} candidates, {selection.live_candidates} with any effect, "
      f"{selection.evaluations} evaluations", *selection.notes)
seeds"""),
    ("code", """fig, ax = plt.subplots(figsize=(7, 3.2))
ax.bar(seeds["rank"].astype(str), seeds["certified_gain"], color="#0b6e4f")
ax.set_xlabel("pick")
ax.set_ylabel("extra organisations certified")
plt.show()
print(f"subsidising all {len(seeds)}: {int(seeds['certified_gain'].sum())} more organisations certify, "
      f"employing {seeds['target_fte_at_certified_gain'].sum():.1f} target-group FTE already "
      f"(existing jobs, not new ones); PSO fees {seeds['fee_eur'].sum():,.0f} EUR a year")"""),
    ("md", """## The expected spread

Run the cascade without and with the subsidised organisations certified at the start. The
difference beyond the K themselves is exactly the sum of the seeds' marginal gains."""),
    ("code", """baseline = pso_chain.simulate(network, YEAR).rounds_frame()
seeded = pso_chain.simulate(network, YEAR, seed_orgs=seeds["org_id"].tolist()).rounds_frame()
fig, ax = plt.subplots(figsize=(7, 3.2))
ax.plot(baseline["round"], baseline["cumulative_certified"], marker="o", label="cumulative", color="#9aa5b1")
ax.plot(seeded["round"], seeded["cumulative_certified"], marker="s", color="#0b6e4f",
        label=f"cumulative with {len(seeds)} subsidised")
ax.set_xlabel("round")
ax.set_ylabel("organisations certified")
ax.legend()
plt.show()
base_total = int(baseline["cumulative_certified"].iloc[-1])
seeded_total = int(seeded["cumulative_certified"].iloc[-1])
extra = seeded_total - base_total - len(seeds)
assert extra == int(seeds["certified_gain"].sum())
print(f"without subsidy {base_total}, with {len(seeds)} subsidised {seeded_total}: "
      f"{extra} extra besides the seeds")"""),
    ("md", """How does the spread grow with the budget? One greedy run with a larger K gives every
smaller budget's answer too (the first picks are the same)."""),
    ("code", """budget = pso_chain.seeds(network, 10, YEAR, municipality=MUNICIPALITY).frame
budget = budget.assign(cumulative_fee_eur=budget["fee_eur"].cumsum(),
                       cumulative_certified=budget["certified_gain"].cumsum())
fig, ax = plt.subplots(figsize=(7, 3.2))
ax.step(np.r_[0, budget["cumulative_fee_eur"]] / 1000, np.r_[0, budget["cumulative_certified"]],
        where="post", color="#0b6e4f")
ax.set_xlabel("PSO fees of the subsidised organisations (thousand EUR a year)")
ax.set_ylabel("extra organisations certified")
ax.set_title(f"{MUNICIPALITY}: spread per subsidy budget")
fig.tight_layout()
plt.show()
budget[["rank", "org_id", "name", "fee_eur", "certified_gain", "cumulative_fee_eur",
        "cumulative_certified"]]"""),
    ("md", """## The report for the council

`pso_chain.report` puts all of this in one self-contained HTML file (Dutch by default;
`lang="en"` for English) — the same as `pso-chain report DATASET --out rapport.html
--municipality Apeldoorn` on the command line. Here it goes to a temporary folder."""),
    ("code", """page = pso_chain.report(network, YEAR, MUNICIPALITY)
with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "rapport-apeldoorn.html"
    path.write_text(page, encoding="utf-8")
    print(f"{path.name}: {path.stat().st_size / 1024:,.0f} KB, {page.count('<section id=')} sections")
assert page.startswith("<!DOCTYPE html>") and MUNICIPALITY in page"""),
]

NOTEBOOK_CELLS = {
    "01_scoring_and_uplift.ipynb": SCORING,
    "02_olievlek.ipynb": OLIEVLEK,
    "03_municipality.ipynb": MUNICIPALITY,
}


def build(cells: list[tuple[str, str]], prefix: str) -> nbformat.NotebookNode:
    """A notebook without outputs whose cells have fixed ids (``prefix-00``, ...)."""
    notebook = new_notebook(metadata={"kernelspec": KERNEL, "language_info": {"name": "python"}})
    for i, (kind, text) in enumerate(cells):
        cell = new_markdown_cell(text) if kind == "md" else new_code_cell(text)
        cell["id"] = f"{prefix}-{i:02d}"
        notebook.cells.append(cell)
    nbformat.validate(notebook)
    return notebook


def render(name: str) -> str:
    return nbformat.writes(build(NOTEBOOK_CELLS[name], name[:2]), version=4) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the notebooks are up to date")
    args = parser.parse_args()
    stale = []
    NOTEBOOKS.mkdir(exist_ok=True)
    for name in NOTEBOOK_CELLS:
        path = NOTEBOOKS / name
        text = render(name)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(name)
        if not args.check:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    if args.check and stale:
        print(f"out of date: {', '.join(stale)} (run scripts/make_notebooks.py)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
