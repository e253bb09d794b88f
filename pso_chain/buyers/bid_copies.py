"""The certificate copy a bidder hands in, checked against what the dataset knows.

The purchasing code asks every bidder for a copy of a valid PSO certificate. Bids may carry it
in optional columns ``certificate_number, certificate_level, certificate_valid_from,
certificate_valid_until`` (and ``sw`` for an SW-bedrijf). Which certificate counts on the
tender date:

- a bidder in the dataset: the dataset's own certificates (its source of truth); the copy is
  checked against them and a difference is reported, never silently preferred;
- a bidder not in the dataset: the copy, when its validity covers the tender date (an expired
  or not yet valid copy counts for nothing), and the bid's ``sw`` claim.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pso_chain.errors import Problem
from pso_chain.messages import coded
from pso_chain.parsing import day_of, text, to_bool, to_date

COPY_COLUMNS = ("certificate_number", "certificate_level", "certificate_valid_from",
                "certificate_valid_until", "sw")


def normalise_level(raw: str, levels: tuple[str, ...]) -> str | None:
    """A level as written on a certificate ("Trede 2", "Aspirant", "PSO 30+", "2") in the
    rules' spelling; ``""`` for empty; None when it is no level. PSO 30+ is a reading inside
    trede 3 and counts as trede 3."""
    word = " ".join(raw.strip().lower().replace("-", " ").split())
    if word == "":
        return ""
    if word.startswith("aspirant"):
        word = "aspirant"
    elif word.startswith("trede "):
        word = word.removeprefix("trede ")
    elif word.replace(" ", "") in ("pso30+", "30+"):
        word = levels[-1]
    return word if word in levels else None


def read_copies(frame: pd.DataFrame, file: str, rows: np.ndarray, levels: tuple[str, ...]
                ) -> tuple[pd.DataFrame, list[Problem]]:
    """The copy columns of a bids table, typed: ``certificate_number, copy_level, copy_from,
    copy_until, sw_claim`` (empty where not given), and the problems found."""
    problems: list[Problem] = []
    n = len(frame)

    def column(name: str) -> pd.Series:
        if name in frame.columns:
            return text(frame[name].astype(object))
        return pd.Series([""] * n, dtype=object)

    level_text = column("certificate_level")
    level = [normalise_level(v, levels) for v in level_text]
    problems += [Problem(file, int(r), "certificate_level", v,
                         f"not a certificate level (use {', '.join(levels)}, Trede N or PSO 30+)")
                 for r, v, lv in zip(rows, level_text, level, strict=True) if lv is None]
    dates = {}
    for name in ("certificate_valid_from", "certificate_valid_until"):
        if name in frame.columns:
            values, bad, _ = to_date(frame[name])
            problems += [Problem(file, int(r), name, v, f"{name} is not a date")
                         for r, v in zip(rows[bad], frame[name].to_numpy()[bad], strict=True)]
            dates[name] = values
        else:
            dates[name] = pd.Series(pd.NaT, index=range(n), dtype="datetime64[s]")
    given = np.array([bool(lv) for lv in level])
    for name in ("certificate_valid_from", "certificate_valid_until"):
        missing = given & dates[name].isna().to_numpy()
        problems += [Problem(file, int(r), name, None, "a certificate copy needs its validity dates")
                     for r in rows[missing]]
    backwards = (dates["certificate_valid_until"] < dates["certificate_valid_from"]).to_numpy()
    problems += [Problem(file, int(r), "certificate_valid_until", None, "ends before it starts")
                 for r in rows[backwards]]
    sw_claim = np.zeros(n, dtype=bool)
    if "sw" in frame.columns:
        sw_claim, bad = to_bool(frame["sw"], False)
        problems += [Problem(file, int(r), "sw", v, "sw is not true/false (ja/nee)")
                     for r, v in zip(rows[bad], frame["sw"].to_numpy()[bad], strict=True)]
    copies = pd.DataFrame({
        "certificate_number": column("certificate_number").to_numpy(),
        "copy_level": [lv or "" for lv in level],
        "copy_from": dates["certificate_valid_from"].to_numpy(),
        "copy_until": dates["certificate_valid_until"].to_numpy(),
        "sw_claim": sw_claim,
    })
    return copies, problems


def _date_text(value) -> str:
    return "" if pd.isna(value) else pd.Timestamp(value).date().isoformat()


def judge_copies(bids: pd.DataFrame, known: np.ndarray, dataset_level: np.ndarray,
                 dataset_sw: np.ndarray, on) -> pd.DataFrame:
    """Per bid: ``level_counted``, ``sw_counted``, ``certificate_source`` and ``copy_check``
    (what was checked, as codes of :mod:`pso_chain.messages`: ``copy_used: level=2; until=...``)."""
    n = len(bids)
    copy_level = bids["copy_level"].to_numpy(dtype=object) if "copy_level" in bids else np.full(n, "")
    start = to_days_or_none(bids.get("copy_from"), n)
    end = to_days_or_none(bids.get("copy_until"), n)
    day = day_of(on)
    has_copy = np.array([bool(v) for v in copy_level])
    valid_copy = has_copy & (start <= day) & (end >= day)
    claim = bids["sw_claim"].to_numpy(dtype=bool) if "sw_claim" in bids else np.zeros(n, bool)
    level = np.where(known, dataset_level, np.where(valid_copy, copy_level, ""))
    sw = np.where(known, dataset_sw, claim)
    source = np.where(known, "dataset", np.where(valid_copy | claim, "bid", ""))
    checks = []
    for i in range(n):
        until = _date_text(bids["copy_until"].iat[i]) if "copy_until" in bids else ""
        since = _date_text(bids["copy_from"].iat[i]) if "copy_from" in bids else ""
        if not has_copy[i]:
            note = "copy_none"
        elif start[i] > day:
            note = coded("copy_early", level=copy_level[i], start=since)
        elif end[i] < day:
            note = coded("copy_expired", level=copy_level[i], until=until)
        elif not known[i]:
            note = coded("copy_used", level=copy_level[i], until=until)
        elif copy_level[i] == dataset_level[i]:
            note = coded("copy_matches", level=copy_level[i])
        else:
            note = coded("copy_differs", level=copy_level[i], held=dataset_level[i] or "none")
        if known[i] and claim[i] and not dataset_sw[i]:
            note += " | sw_refused"
        elif not known[i] and claim[i]:
            note += " | sw_claimed"
        checks.append(note)
    return pd.DataFrame({"level_counted": level, "sw_counted": sw.astype(bool),
                         "certificate_source": source, "copy_check": checks})


def to_days_or_none(values, n: int) -> np.ndarray:
    """Day numbers of a date column (far past/future bounds where absent: never valid)."""
    if values is None:
        return np.full(n, np.iinfo(np.int64).max // 2)
    series = pd.Series(values)
    days = series.to_numpy(dtype="datetime64[D]").astype(np.int64)
    return np.where(series.isna().to_numpy(), np.iinfo(np.int64).max // 2, days)
