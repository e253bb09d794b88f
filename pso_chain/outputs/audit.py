"""The audit file: one organisation's score as a PDF an auditor can check line by line.

Every number with the rows it came from (persons of ``employees_records``, purchase rows with
why each counts or not), the norm rows and the trede, the rules version and its sources, the
date it was made and a SHA-256 hash of every input file, so the auditor can tell that the file
belongs to exactly these inputs. Dutch by default (``lang="en"`` for English): the summary
first, then the sources and input files, then the persons (annex A) and the purchase rows
(annex B) as tables on landscape pages with the heading row on every page. The engine's
reasons and notes are codes, read in the language through :func:`pso_chain.messages.readable`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from pso_chain import __version__, messages
from pso_chain.outputs.pdf import Formats, Section, heading, table_of, write_pdf
from pso_chain.settings import read_toml

HASH_CHUNK = 1 << 20
QUOTED = re.compile(r"[\"'‘“]([^\"'’”]+)[\"'’”]")

PERSON_COLUMNS = ["row", "person_id", "start_position", "start_position_weight", "contract_type",
                  "contract_weight", "hours_per_week", "fulltime_hours", "months", "weighted_fte"]
PURCHASE_COLUMNS = ["row", "supplier_id", "supplier_name", "date", "amount_eur", "counted", "reason",
                    "supplier_revenue_eur", "supplier_target_fte", "indirect_fte", "source", "invoice_id"]
RIGHT = ("row", "amount_eur", "supplier_revenue_eur", "supplier_target_fte", "indirect_fte",
         "start_position_weight", "contract_weight", "hours_per_week", "fulltime_hours", "months",
         "weighted_fte", "size", "trede1", "trede2", "trede3")
WRAP = ("supplier_name", "reason", "source", "invoice_id", "contract_type")


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(HASH_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _source_in(source: str, lang: str) -> str:
    """A rules source for readers of ``lang``: in Dutch the publishers and the quoted (Dutch)
    page titles, the rest of the file's English note left out."""
    titles = QUOTED.findall(source)
    if lang == "en" or not titles:
        return source
    brochure = messages.text("pdf.publisher_brochure", lang)
    publishers = [name for name, found in (("PSO-Nederland", "PSO-Nederland" in source),
                                           (brochure, "brochure" in source)) if found]
    return ", ".join([*publishers, *(f"‘{title}’" for title in titles)])


def rules_sources(path: str | Path, lang: str = "en") -> list[str]:
    """``section: source`` lines of a rules file (every table's ``source`` key; a
    ``source_<lang>`` key where the file has one)."""
    raw = read_toml(path, "rules file")
    lines = []
    for section, table in raw.items():
        if not isinstance(table, dict):
            continue
        own, source = table.get(f"source_{lang}"), table.get("source")
        if isinstance(own, str):
            said = " ".join(own.split())
        elif isinstance(source, str):
            said = _source_in(" ".join(source.split()), lang)
        else:
            continue
        name = messages.maybe(f"pdf.rules_{section}", lang, f"[{section}]")
        lines.append(f"{name}: {said}")
    return lines


def _level(value: Any, lang: str) -> str:
    """A certificate level: ``trede 2``, ``aspirant``, or ``geen``."""
    level = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    if not level:
        return messages.text("pdf.none", lang)
    return messages.text("pdf.trede", lang, trede=level) if level.isdigit() else level


def _status_lines(explained: Mapping[str, Any], fmt: Formats) -> list[str]:
    """The certificate held at the end of the year (and the risk at the next audit), the
    aspirant outlook."""
    lang, lines = fmt.lang, []
    held = explained.get("certified_level")
    if held:
        line = messages.text("pdf.audit_certified", lang, on=fmt.date(held["on"]),
                             level=_level(held.get("level"), lang))
        lines.append(line + (f"; {fmt.said(held['note'])}" if held.get("note") else ""))
    aspirant = explained.get("aspirant")
    if aspirant:
        lines.append(messages.text("pdf.audit_aspirant", lang, since=fmt.date(aspirant["since"]),
                                   deadline=fmt.date(aspirant["deadline"]), days=aspirant["days_left"],
                                   gap=fmt.num(aspirant["gap_pct"])))
    return lines


def _persons_table(persons: list[dict], fmt: Formats) -> pd.DataFrame:
    frame = pd.DataFrame(persons)
    frame = frame[[c for c in PERSON_COLUMNS if c in frame.columns]]

    def two(value: Any) -> str:
        return fmt.num(value, 2)

    return table_of(frame, fmt.lang, {
        "row": str, "person_id": str,
        "start_position": lambda v: str(v).upper().replace("_", "-"),  # PW-LKS, VSO-PRO, WIA
        "contract_type": lambda v: messages.maybe(f"pdf.contract_{v}", fmt.lang, str(v)),
        "start_position_weight": two, "contract_weight": two, "hours_per_week": two,
        "fulltime_hours": two, "months": two, "weighted_fte": fmt.num})


def _purchases_table(purchases: list[dict], fmt: Formats) -> pd.DataFrame:
    frame = pd.DataFrame(purchases)
    frame = frame[[c for c in PURCHASE_COLUMNS if c in frame.columns]]
    reasons = {reason: fmt.said(reason) for reason in frame["reason"].unique()}  # a few distinct
    return table_of(frame, fmt.lang, {
        "row": str, "supplier_id": str, "supplier_name": str, "date": fmt.date,
        "amount_eur": fmt.eur, "counted": fmt.yes_no, "reason": reasons.__getitem__,
        "supplier_revenue_eur": lambda v: fmt.eur(v, 0), "supplier_target_fte": fmt.num,
        "indirect_fte": fmt.num, "source": str, "invoice_id": str})


def audit_sections(explained: Mapping[str, Any], lang: str = "nl") -> tuple[list[Section], list[Section]]:
    """The explanation laid out as sections: the summary (organisation, direct, indirect, total
    and norms) and the annexes (the persons, A, and the purchase rows, B, as tables)."""
    fmt = Formats(lang)
    org, direct, indirect, norms = (explained[k] for k in ("organisation", "direct", "indirect", "norms"))
    purchases = explained.get("purchases") or []
    persons = direct.get("persons") or []
    year, pct, num = explained["year"], fmt.pct, fmt.num

    def t(key: str, **values: Any) -> str:
        return messages.text(key, lang, **values)

    ind_fte = num(indirect["indirect_fte"])
    capped = t("pdf.audit_indirect_capped") if indirect["cap_applied"] else ""
    direct_lines = [t("pdf.audit_source", source=fmt.said(direct["source"]))]
    if persons:
        direct_lines.append(t("pdf.audit_direct_annex"))
    summary = [
        Section(t("pdf.audit_org"), [t(
            "pdf.audit_org_line", employees=num(org["employees"], 0), fte=num(org["fte"]),
            sw=fmt.yes_no(org["sw"]), level=_level(org.get("pso_level"), lang),
            qualitative=fmt.yes_no(org["qualitative_ok"]), municipality=org.get("municipality", ""),
            sbi=org.get("sbi", ""))]),
        Section(t("pdf.audit_direct"), [
            *direct_lines,
            t("pdf.audit_direct_formula", target=num(direct["target_fte"]), fte=num(direct["fte"]),
              pct=pct(direct["direct_pct"]))]),
        Section(t("pdf.audit_indirect"), [
            t("pdf.audit_indirect_count", counted=num(indirect["counted_purchases"], 0),
              rows=num(len(purchases), 0), year=year, fte=ind_fte),
            t("pdf.audit_indirect_formula", ind=ind_fte, fte=num(org["fte"]),
              pct=pct(indirect["indirect_pct"])),
            t("pdf.audit_indirect_cap", share=pct(100 * indirect["max_indirect_share"], 0),
              cap=pct(indirect["cap_pct"]), counted=pct(indirect["indirect_counted_pct"])) + capped]),
        Section(t("pdf.audit_total"), [
            t("pdf.audit_total_formula", direct=pct(direct["direct_pct"]),
              indirect=pct(indirect["indirect_counted_pct"]), total=pct(explained["total_pct"])),
            t("pdf.audit_norms_line", employees=num(norms["employees"], 0), method=fmt.said(norms["method"]),
              n1=pct(norms["norm_trede1"]), n2=pct(norms["norm_trede2"]), n3=pct(norms["norm_trede3"])),
            t("pdf.audit_trede_line", trede=explained["trede"] or t("pdf.none"),
              reason=fmt.said(explained["trede_reason"]), pso30=fmt.yes_no(explained["pso30plus"])),
            *_status_lines(explained, fmt),
            t("pdf.audit_fee", band=explained["fee"]["band"],
              eur=fmt.eur(explained["fee"]["eur_per_year"]))]),
        Section(t("pdf.audit_norm_rows"), table=table_of(
            pd.DataFrame(norms["rows"]), lang, {"size": str, "trede1": pct, "trede2": pct, "trede3": pct}),
            right=[heading(lang, c) for c in ("size", "trede1", "trede2", "trede3")]),
    ]
    right, wrap = [heading(lang, c) for c in RIGHT], [heading(lang, c) for c in WRAP]
    annexes = []
    if persons:
        annexes.append(Section(t("pdf.audit_persons"), table=_persons_table(persons, fmt), right=right,
                               wrap=wrap))
    annexes.append(Section(
        t("pdf.audit_purchases", year=year), table=_purchases_table(purchases, fmt) if purchases else None,
        paragraphs=() if purchases else [t("pdf.audit_no_purchases", year=year)], right=right, wrap=wrap))
    return summary, annexes


def write_audit_file(explained: Mapping[str, Any], path: str | Path, files: Mapping[str, str],
                     made_on: dt.date, lang: str = "nl") -> Path:
    """Write the audit PDF of one explanation (:func:`pso_chain.explain`) in ``lang``;
    ``files`` maps each input table to its file (hashed into the document)."""
    fmt = Formats(lang)
    rules = explained["rules"]
    inputs = pd.DataFrame([{"table": table, "file": Path(file).name, "sha256": file_sha256(file)}
                           for table, file in files.items()])
    meta = [messages.text("pdf.audit_meta_org", lang, name=explained["name"], org_id=explained["org_id"],
                          year=explained["year"]),
            messages.text("pdf.audit_meta_made", lang, date=fmt.date(made_on), version=__version__,
                          rules=rules["version"], file=Path(rules["file"]).name)]
    summary, annexes = audit_sections(explained, lang)
    sources = Section(messages.text("pdf.audit_sources", lang), rules_sources(rules["file"], lang))
    files_table = Section(messages.text("pdf.audit_inputs", lang), table=table_of(inputs, lang, {
        "table": lambda name: messages.maybe(f"pdf.table_{name}", lang, name), "file": str, "sha256": str}))
    return write_pdf(path, messages.text("pdf.audit_title", lang, name=explained["name"]), meta,
                     [*summary, sources, files_table, *annexes], lang=lang)
