"""Rendering of the nested results (an explanation, the demo's story) on the terminal, in the
chosen language. Only presentation: every number arrives computed by the library."""

from __future__ import annotations

from rich.panel import Panel
from rich.text import Text

from pso_chain import messages
from pso_chain.api.outputs import explanation_purchases
from pso_chain.commands.columns import SUPPLIERS_SHOWN, TARGETS_SHOWN, UPLIFT_SHOWN
from pso_chain.commands.common import console, display, render_table, say
from pso_chain.outputs.files import plain

PURCHASES_SHOWN = 50  # purchase rows of an explanation on the terminal (--out writes them all)


def _given(value: object) -> bool:
    """A value the data holds (not empty, not missing): only those are printed."""
    return value is not None and str(value).strip() not in ("", "nan", "None", "<NA>")

def text(key: str, **values) -> str:
    """A sentence of the catalogue's ``[explain]`` table (``demo_x``: ``[demo]``'s ``x``) in the
    chosen language."""
    full = f"demo.{key[5:]}" if key.startswith("demo_") else f"explain.{key}"
    return messages.text(full, display().lang, **values)


def panel(lines: list[str], title: str) -> None:
    console.print(Panel(plain("\n".join(lines)), title=plain(title)))


def render_explanation(ex: dict) -> None:
    """An explanation readably: sections as panels, purchases as a table."""
    disp = display()
    fmt = disp.fmt
    n4 = lambda v: fmt.number(v, 4)  # noqa: E731
    p4 = lambda v: fmt.pct(v, 4)  # noqa: E731
    d, ind, nrm, org = ex["direct"], ex["indirect"], ex["norms"], ex["organisation"]
    place = text("org_place", municipality=org["municipality"]) if _given(org["municipality"]) else ""
    sector = text("org_sector", sbi=org["sbi"]) if _given(org["sbi"]) else ""
    panel([text("org_line1", name=ex["name"], org_id=ex["org_id"], place=place, sector=sector),
           text("org_line2", employees=fmt.integer(org["employees"]), fte=fmt.number(org["fte"], 2),
                sw=fmt.boolean(org["sw"]), level=org["pso_level"] or fmt.trede(None), year=ex["year"],
                rules=ex["rules"]["version"])], text("organisation"))
    lines = [text("source", source=fmt.code(d["source"]))]
    for p in d["persons"][:30]:
        lines.append(text("person", row=p["row"], person=p["person_id"], start=p["start_position"],
                          sw=fmt.number(p["start_position_weight"], 2),
                          contract=messages.maybe(f"pdf.contract_{p['contract_type']}", fmt.lang,
                                                  str(p["contract_type"])),
                          cw=fmt.number(p["contract_weight"], 2), h=fmt.number(p["hours_per_week"], 1),
                          fh=fmt.number(p["fulltime_hours"], 1), m=fmt.number(p["months"], 1),
                          fte=n4(p["weighted_fte"])))
    if len(d["persons"]) > 30:
        lines.append(text("more_persons", n=len(d["persons"]) - 30))
    lines.append(text("direct_formula", target=n4(d["target_fte"]), fte=n4(d["fte"]),
                      pct=p4(d["direct_pct"])))
    panel(lines, text("direct"))
    if ex["purchases"]:
        shown = {**ex, "purchases": ex["purchases"][:PURCHASES_SHOWN]}  # only the rows shown
        render_table(explanation_purchases(shown).drop(columns=["row"]), max_rows=PURCHASES_SHOWN,
                     title=text("purchases_in", year=ex["year"]), total=len(ex["purchases"]),
                     keep=["supplier_id", "amount_eur", "counted"])
    share = fmt.number(ind["max_indirect_share"], 2)
    panel([text("ind_fte", fte=n4(ind["indirect_fte"]), n=ind["counted_purchases"]),
           text("ind_pct", ind=n4(ind["indirect_fte"]), fte=n4(d["fte"]), pct=p4(ind["indirect_pct"])),
           text("cap", s=share, cap=p4(ind["cap_pct"]), counted=p4(ind["indirect_counted_pct"]),
                note=text("cap_applied" if ind["cap_applied"] else "cap_not")),
           text("total", direct=n4(d["direct_pct"]), counted=n4(ind["indirect_counted_pct"]),
                total=p4(ex["total_pct"]))], text("indirect"))
    held = ex.get("certified_level") or {}
    if held.get("below"):
        console.print(Panel(Text.assemble((text("below") + " ", "bold red"), fmt.code(held["note"])),
                            title=plain(text("certificate"))))
    rows = "; ".join(f"{r['size']}: {fmt.number(r['trede1'], 1)}/{fmt.number(r['trede2'], 1)}/"
                     f"{fmt.number(r['trede3'], 1)}" for r in nrm["rows"])
    panel([text("norm_rows", employees=fmt.integer(nrm["employees"]), method=fmt.code(nrm["method"]),
                rows=rows),
           text("norm_values", n1=p4(nrm["norm_trede1"]), n2=p4(nrm["norm_trede2"]),
                n3=p4(nrm["norm_trede3"])),
           text("trede", trede=fmt.trede(ex["trede"]), reason=fmt.code(ex["trede_reason"]),
                pso30=fmt.boolean(ex["pso30plus"])),
           text("fee", fee=fmt.eur(ex["fee"]["eur_per_year"], 2), band=ex["fee"]["band"])], text("norms"))


def render_uplift_targets(plan: dict) -> None:
    """The uplift plan's two main tables: what each trede needs, and what one supplier costs."""
    targets, main = plan["targets"], plan["uplift"]
    render_table(targets[TARGETS_SHOWN], title=text("demo_targets"), keep=["target_trede", "reachable"])
    priced = main[main["reachable"] & main["supplier_id"].notna()]
    if len(priced):
        render_table(priced[UPLIFT_SHOWN], title=text("demo_priced"),
                     keep=["target_trede", "supplier_id", "extra_eur"])


def render_tour(tour, folder: str) -> None:
    """The demo's story, step by step."""
    fmt = display().fmt
    console.rule(Text(text("demo_title"), style="bold"))
    say(text("demo_dataset", folder=folder))
    say(text("demo_validated", n=fmt.integer(tour.organisations), rows=fmt.integer(tour.purchase_rows),
             errors=tour.errors, warnings=tour.warnings))
    say(text("demo_scored", year=tour.year, rules=tour.rules_version))
    render_table(tour.top, title=text("demo_top"), keep=["org_id", "total_pct", "trede"])
    render_table(tour.distribution, title=text("demo_distribution"))
    render_table(tour.closest, title=text("demo_closest"), keep=["org_id", "trede", "next_trede", "gap_pct"])
    if tour.pick is not None:
        console.rule(plain(text("demo_explain", org=tour.pick)))
        render_explanation(tour.explained)
        console.rule(plain(text("demo_uplift", org=tour.pick)))
        render_uplift_targets(tour.uplift)
    console.rule(plain(text("demo_suppliers", on=fmt.date(tour.suppliers_on),
                            n=fmt.integer(tour.supplier_count))))
    render_table(tour.suppliers[SUPPLIERS_SHOWN], keep=["org_id", "yield_fte_per_meur"])
    console.rule(plain(text("demo_olievlek")))
    render_table(tour.exposure, title=text("demo_exposure"))
    render_table(tour.prospects, title=text("demo_prospects"), keep=["org_id", "code_share", "distance"])
    render_table(tour.simulation, title=text("demo_simulation", year=tour.year), keep=["round"])
    say("")
    say(text("demo_next"))
