"""The audit file: one organisation's score as a PDF an auditor can check line by line.

Every number with the rows it came from (persons of ``employees_records``, purchase rows with
why each counts or not), the norm rows and the trede, the rules version and its sources, the
date it was made and a SHA-256 hash of every input file, so the auditor can tell that the file
belongs to exactly these inputs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from pso_chain import __version__
from pso_chain.outputs.pdf import Section, write_pdf
from pso_chain.settings import read_toml

HASH_CHUNK = 1 << 20


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(HASH_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def rules_sources(path: str | Path) -> list[str]:
    """``section: source`` lines of a rules file (every table's ``source`` key)."""
    raw = read_toml(path, "rules file")
    lines = []
    for section, table in raw.items():
        if isinstance(table, dict) and isinstance(table.get("source"), str):
            lines.append(f"[{section}] " + " ".join(table["source"].split()))
    return lines


def _num(value: Any, decimals: int = 4) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return f"{value:,.{decimals}f}"
    return str(value)


def _extra_lines(explained: Mapping[str, Any], known: set[str]) -> list[str]:
    """Fields the explanation carries beyond the ones laid out here (e.g. flags), as lines."""
    lines = []
    for key, value in explained.items():
        if key in known:
            continue
        if isinstance(value, dict):
            inner = "; ".join(f"{k}: {v}" for k, v in value.items() if not isinstance(v, list | dict))
            lines.append(f"{key}: {inner}")
        elif not isinstance(value, list):
            lines.append(f"{key}: {value}")
    return lines


KNOWN = {"org_id", "name", "year", "rules", "organisation", "direct", "purchases", "indirect",
         "total_pct", "norms", "trede", "trede_reason", "pso30plus", "fee"}


def audit_sections(explained: Mapping[str, Any]) -> list[Section]:
    """The explanation laid out as sections: direct, indirect, total and norms, the rest."""
    org, direct, indirect, norms = (explained[k] for k in ("organisation", "direct", "indirect", "norms"))
    persons = pd.DataFrame(direct.get("persons") or [])
    if len(persons):
        persons = persons.rename(columns={"row": "file row"})
    purchases = pd.DataFrame(explained.get("purchases") or [])
    if len(purchases):
        purchases = purchases.rename(columns={"row": "file row"})
        purchases["amount_eur"] = purchases["amount_eur"].map(lambda v: _num(v, 2))
        purchases["indirect_fte"] = purchases["indirect_fte"].map(_num)
        purchases["counted"] = purchases["counted"].map(_num)
    return [
        Section("Organisation", [
            f"employees {org['employees']}, FTE {_num(org['fte'])}, SW-bedrijf {_num(org['sw'])}, "
            f"certificate {org.get('pso_level') or 'none'}, qualitative checklist passed "
            f"{_num(org['qualitative_ok'])}, municipality {org.get('municipality', '')}, "
            f"SBI {org.get('sbi', '')}"]),
        Section("Direct contribution", [
            f"source: {direct['source']}",
            f"direct_pct = {direct['formula']} = 100 x {_num(direct['target_fte'])} / "
            f"{_num(direct['fte'])} = {_num(direct['direct_pct'])}%"], persons if len(persons) else None),
        Section("Indirect contribution (social purchasing)", [
            f"{indirect['counted_purchases']} purchase row(s) count; indirect_fte = "
            f"{_num(indirect['indirect_fte'])}",
            f"{indirect['formula']} = {_num(indirect['indirect_pct'])}%",
            f"cap: at most {_num(100 * indirect['max_indirect_share'], 0)}% of the total may be indirect: "
            f"{_num(indirect['cap_pct'])}%; counted {_num(indirect['indirect_counted_pct'])}%"
            + (" (cap applied)" if indirect["cap_applied"] else "")],
            purchases if len(purchases) else None),
        Section("Total, norms and trede", [
            f"total_pct = direct + counted indirect = {_num(explained['total_pct'])}%",
            f"norms for {norms['employees']} employees ({norms['method']}): trede 1 "
            f"{_num(norms['norm_trede1'])}%, trede 2 {_num(norms['norm_trede2'])}%, trede 3 "
            f"{_num(norms['norm_trede3'])}%",
            f"trede: {explained['trede'] or 'none'} ({explained['trede_reason']}); PSO 30+: "
            f"{_num(explained['pso30plus'])}",
            f"fee band {explained['fee']['band']}: EUR {_num(explained['fee']['eur_per_year'], 2)} per year",
            *_extra_lines(explained, KNOWN)], pd.DataFrame(norms["rows"])),
    ]


def write_audit_file(explained: Mapping[str, Any], path: str | Path, files: Mapping[str, str],
                     made_on: dt.date) -> Path:
    """Write the audit PDF of one explanation (:func:`pso_chain.explain`); ``files`` maps each
    input table to its file (hashed into the document)."""
    rules = explained["rules"]
    inputs = pd.DataFrame([{"table": table, "file": Path(file).name, "sha256": file_sha256(file)}
                           for table, file in files.items()])
    meta = [f"{explained['name']} ({explained['org_id']}), reference year {explained['year']}",
            f"made on {made_on.isoformat()} by pso-chain {__version__}; PSO rules {rules['version']} "
            f"({Path(rules['file']).name})"]
    sections = [*audit_sections(explained),
                Section("Sources of the rules", rules_sources(rules["file"])),
                Section("Input files (SHA-256)", table=inputs, column_widths=(20, 40, 100))]
    return write_pdf(path, f"PSO audit file: {explained['name']}", meta, sections)
