"""The PSO register, the SW-bedrijven list and a supplier-figures file (CSV or XLSX).

The register: name, KvK, place, level as written on certificates ("Aspirant", "Trede 1",
"Trede 2", "Trede 3", "PSO 30+" counting as its trede), valid from and until, and where the
list has them revenue and target-group FTE. One row per certificate (a KvK may appear with
several periods). The SW list: name, KvK, place. Figures: KvK, revenue, target FTE.
Headers are recognised as in ``profiles/headers.toml``; every bad cell is reported.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
from pso_chain.loaders.import_settings import ImportSettings, load_import_settings
from pso_chain.loaders.names import kvk_numbers, plain
from pso_chain.loaders.sheet import Sheet, known_headers, read_sheet, recognise

from pso_chain.errors import Problem, PsoInputError, coded
from pso_chain.parsing import text, to_date, to_number

REGISTER_COLUMNS = ["kvk", "name", "place", "postcode", "level", "level_text", "valid_from",
                    "valid_until", "revenue_eur", "target_fte", "row", "file"]
SW_COLUMNS = ["kvk", "name", "place", "postcode", "revenue_eur", "target_fte", "row", "file"]
FIGURES_COLUMNS = ["kvk", "revenue_eur", "target_fte", "employees", "fte", "row", "file"]


def level_code(written: str, settings: ImportSettings) -> str:
    """The rules' level code of a certificate as written ('' when it cannot be read)."""
    words = plain(written)
    match = re.search(r"(?:" + "|".join(map(re.escape, settings.trede_words)) + r")\s*[:.-]?\s*([123])\b",
                      words)
    if match:
        return match.group(1)
    if any(re.search(r"(?<![a-z])" + re.escape(w) + r"(?![a-z])", words) for w in settings.aspirant_words):
        return "aspirant"
    if re.fullmatch(r"[123]", words.strip()):
        return words.strip()
    if any(w in words.replace(" ", "") or w in words for w in settings.pso30plus_words):
        return settings.pso30plus_level
    return ""


def _read(path: str | Path, kind: str, required: tuple[str, ...]) -> tuple[Sheet, dict[str, str], list[int]]:
    sheet = read_sheet(path, known_headers(kind))
    cols = recognise(sheet, kind)
    missing = [f for f in required if f not in cols]
    if missing:
        raise PsoInputError(Problem(sheet.file, None, None, None,
                                    coded("no_column_for", fields=", ".join(missing),
                                          has=", ".join(sheet.frame.columns))))
    return sheet, cols, [sheet.row_number(int(i)) for i in sheet.frame.index]


def _kvk(sheet: Sheet, cols: dict[str, str], rows: list[int], problems: list[Problem],
         required: bool = True) -> np.ndarray:
    raw = sheet.frame[cols["kvk"]]
    kvk, bad = kvk_numbers(raw)
    for i in np.flatnonzero(bad | ((kvk == "") if required else False)):
        problems.append(Problem(sheet.file, rows[i], cols["kvk"], raw.iat[i],
                                "not_a_kvk"))
    return kvk


def _numbers(sheet: Sheet, cols: dict[str, str], fld: str, rows: list[int],
             problems: list[Problem], positive: bool) -> np.ndarray:
    if fld not in cols:
        return np.full(len(sheet.frame), np.nan)
    values, bad, _ = to_number(sheet.frame[cols[fld]], sheet.decimal_comma)
    wrong = bad | ((values <= 0) if positive else (values < 0))
    for i in np.flatnonzero(wrong & ~np.isnan(values) | bad):
        problems.append(Problem(sheet.file, rows[i], cols[fld], sheet.frame[cols[fld]].iat[i],
                                "must_be_positive" if positive else "must_be_non_negative"))
    return np.where(wrong, np.nan, values)


def _texts(sheet: Sheet, cols: dict[str, str], fld: str) -> list[str]:
    return text(sheet.frame[cols[fld]]).tolist() if fld in cols else [""] * len(sheet.frame)


def read_register(path: str | Path, settings: ImportSettings | None = None) -> pd.DataFrame:
    """The PSO register as certificates (:data:`REGISTER_COLUMNS`)."""
    settings = settings or load_import_settings()
    sheet, cols, rows = _read(path, "register", ("name", "kvk", "level"))
    problems: list[Problem] = []
    kvk = _kvk(sheet, cols, rows, problems)
    written = _texts(sheet, cols, "level")
    levels = [level_code(w, settings) for w in written]
    for i, (w, code) in enumerate(zip(written, levels, strict=True)):
        if not code:
            problems.append(Problem(sheet.file, rows[i], cols["level"], w,
                                    "register_level_unknown"))
    dates = {}
    for fld in ("valid_from", "valid_until"):
        if fld in cols:
            values, bad, _ = to_date(sheet.frame[cols[fld]])
            for i in np.flatnonzero(bad):
                problems.append(Problem(sheet.file, rows[i], cols[fld], sheet.frame[cols[fld]].iat[i],
                                        "not_a_date"))
            dates[fld] = values.to_numpy()
        else:
            dates[fld] = np.full(len(rows), np.datetime64("NaT"), dtype="datetime64[s]")
    wrong = ~np.isnat(dates["valid_from"]) & ~np.isnat(dates["valid_until"]) & (
        dates["valid_until"] < dates["valid_from"])
    for i in np.flatnonzero(wrong):
        problems.append(Problem(sheet.file, rows[i], cols["valid_until"], None,
                                coded("end_before_start", end=cols["valid_until"], start=cols["valid_from"])))
    revenue = _numbers(sheet, cols, "revenue_eur", rows, problems, positive=True)
    target = _numbers(sheet, cols, "target_fte", rows, problems, positive=False)
    if problems:
        raise PsoInputError(problems)
    return pd.DataFrame({
        "kvk": kvk, "name": _texts(sheet, cols, "name"), "place": _texts(sheet, cols, "place"),
        "postcode": _texts(sheet, cols, "postcode"), "level": levels, "level_text": written,
        "valid_from": dates["valid_from"], "valid_until": dates["valid_until"],
        "revenue_eur": revenue, "target_fte": target, "row": rows, "file": sheet.file,
    }, columns=REGISTER_COLUMNS)


def read_sw_list(path: str | Path) -> pd.DataFrame:
    """The SW-bedrijven list (:data:`SW_COLUMNS`)."""
    sheet, cols, rows = _read(path, "sw", ("name", "kvk"))
    problems: list[Problem] = []
    kvk = _kvk(sheet, cols, rows, problems)
    revenue = _numbers(sheet, cols, "revenue_eur", rows, problems, positive=True)
    target = _numbers(sheet, cols, "target_fte", rows, problems, positive=False)
    if problems:
        raise PsoInputError(problems)
    return pd.DataFrame({
        "kvk": kvk, "name": _texts(sheet, cols, "name"), "place": _texts(sheet, cols, "place"),
        "postcode": _texts(sheet, cols, "postcode"), "revenue_eur": revenue, "target_fte": target,
        "row": rows, "file": sheet.file,
    }, columns=SW_COLUMNS)


def read_figures(path: str | Path) -> pd.DataFrame:
    """Suppliers' own figures (:data:`FIGURES_COLUMNS`): revenue and target FTE per KvK."""
    sheet, cols, rows = _read(path, "figures", ("kvk",))
    if "revenue_eur" not in cols and "target_fte" not in cols:
        raise PsoInputError(Problem(sheet.file, None, None, None,
                                    "no_figures_columns"))
    problems: list[Problem] = []
    kvk = _kvk(sheet, cols, rows, problems)
    out = pd.DataFrame({
        "kvk": kvk,
        "revenue_eur": _numbers(sheet, cols, "revenue_eur", rows, problems, positive=True),
        "target_fte": _numbers(sheet, cols, "target_fte", rows, problems, positive=False),
        "employees": _numbers(sheet, cols, "employees", rows, problems, positive=False),
        "fte": _numbers(sheet, cols, "fte", rows, problems, positive=True),
        "row": rows, "file": sheet.file,
    }, columns=FIGURES_COLUMNS)
    dup = out["kvk"].duplicated(keep="first") & (out["kvk"] != "")
    for i in np.flatnonzero(dup.to_numpy()):
        problems.append(Problem(sheet.file, rows[i], cols["kvk"], kvk[i], "kvk_twice"))
    if problems:
        raise PsoInputError(problems)
    return out


OVERRIDE_STATUSES = ("accepted", "rejected", "review", "unmatched")
# the statuses as the Dutch terminal and workbooks write them
DUTCH_STATUSES = {"geaccepteerd": "accepted", "geaccepteerd (bevestigd)": "accepted", "akkoord": "accepted",
                  "afgewezen": "rejected", "ter beoordeling": "review", "beoordelen": "review",
                  "niet gevonden": "unmatched", "ongematcht": "unmatched"}


def read_overrides(path: str | Path) -> pd.DataFrame:
    """An edited match report: the rows whose ``status`` a person set to accepted or rejected.

    Columns ``ledger_name, ledger_place, status, matched_kvk`` (normalised), ``matched_kvk_raw``,
    ``file``, ``row``. An accepted row without a KvK, or an unknown status, is bad input.
    """
    known = {"ledger_name", "ledger_place", "status", "matched_kvk", "ledger_kvk", "amount_eur"}
    sheet = read_sheet(path, known)
    cols = {c.strip().lower(): c for c in sheet.frame.columns}
    missing = [c for c in ("ledger_name", "ledger_place", "status", "matched_kvk") if c not in cols]
    if missing:
        raise PsoInputError(Problem(sheet.file, None, None, None,
                                    coded("not_a_match_report", fields=", ".join(missing))))
    frame = sheet.frame
    rows = [sheet.row_number(int(i)) for i in frame.index]
    status = text(frame[cols["status"]]).str.lower().str.strip()
    status = status.map(lambda s: DUTCH_STATUSES.get(s, s))
    raw_kvk = frame[cols["matched_kvk"]]
    kvk, bad = kvk_numbers(raw_kvk)
    problems = []
    for i, s in enumerate(status.tolist()):
        if s not in OVERRIDE_STATUSES:
            problems.append(Problem(sheet.file, rows[i], cols["status"], s,
                                    coded("status_unknown", statuses=", ".join(OVERRIDE_STATUSES))))
        elif s == "accepted" and (bad[i] or not kvk[i]):
            problems.append(Problem(sheet.file, rows[i], cols["matched_kvk"], raw_kvk.iat[i],
                                    "accepted_needs_kvk"))
    if problems:
        raise PsoInputError(problems)
    unquote = lambda s: text(s).str.replace(r"^'(?=[=+\-@])", "", regex=True)  # noqa: E731 (xlsx text)
    out = pd.DataFrame({
        "ledger_name": unquote(frame[cols["ledger_name"]]),
        "ledger_place": unquote(frame[cols["ledger_place"]]),
        "status": status, "matched_kvk": kvk, "matched_kvk_raw": raw_kvk.astype(str), "file": sheet.file,
        "row": rows,
    })
    return out[out["status"].isin(["accepted", "rejected"])].reset_index(drop=True)
