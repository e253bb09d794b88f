"""Argument checks shared by every verb and every source, in one place.

A bad argument raises :class:`~pso_chain.errors.PsoInputError` whose problem names the argument
by its Python name: ``file`` is the argument (``min_level``), ``value`` the value given,
``reason`` what is wrong and what would be right:
``min_level (value 'x'): use one of aspirant, 1, 2, 3``. The command line's options carry the
same names (``--min-level``: :func:`option`), so the CLI prints the same message.

The plain checks (``positive_int``, ``share``, ``choice``, ...) take values; the checks against
the data (``year``, ``municipality``, ``org``) take a network, and have a variant taking the
known values (``year_in``, ``municipality_in``) for sources that are not held in memory.

>>> import pso_chain
>>> from pso_chain import check
>>> net = pso_chain.load_example()
>>> check.year(net, None)
2025
>>> check.municipality(net, " apeldoorn ")
'Apeldoorn'
>>> check.positive_int(0, "k")
Traceback (most recent call last):
...
pso_chain.errors.PsoInputError: k (value '0'): must be a whole number >= 1
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import weakref
from collections.abc import Iterable, Sequence
from typing import NoReturn, Protocol

import numpy as np
import pandas as pd

from pso_chain.errors import Problem, PsoInputError, coded


class PurchaseNetwork(Protocol):
    """What the checks read of a network (:class:`pso_chain.core.network.PurchaseNetwork`):
    declared here so that the ground floor imports nothing above it."""

    @property
    def n(self) -> int: ...
    @property
    def years(self) -> np.ndarray: ...
    @property
    def organisations(self) -> pd.DataFrame: ...
    @property
    def org_ids(self) -> pd.Index: ...

SHOWN = 12  # known values listed when none is close


def option(name: str) -> str:
    """The command-line spelling of an argument: ``min_level`` -> ``--min-level``."""
    return name if name.startswith("-") else "--" + name.replace("_", "-")


def fail(name: str, value: object, reason: str) -> NoReturn:
    """Raise the bad-argument error for ``name``."""
    shown = value if value is None or isinstance(value, str) else str(value)
    raise PsoInputError(Problem(name.lstrip("-").replace("-", "_"), None, None, shown, reason))


def listing(values: Sequence[object], limit: int = SHOWN) -> str:
    """``a, b, c ...``: the first ``limit`` values, with an ellipsis when there are more."""
    text = ", ".join(str(v) for v in values[:limit])
    return text + (" ..." if len(values) > limit else "")


# --- plain values ---------------------------------------------------------------------------
def positive_int(value: object, name: str) -> int:
    """A whole number >= 1 (``k``, ``top``, ``rounds`` ...)."""
    return whole(value, name, minimum=1)


def whole(value: object, name: str, minimum: int = 0) -> int:
    """A whole number >= ``minimum``."""
    if isinstance(value, bool):
        fail(name, value, f"must be a whole number >= {minimum}")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        fail(name, value, f"must be a whole number >= {minimum}")
    if not math.isfinite(number) or number != int(number) or number < minimum:
        fail(name, value, f"must be a whole number >= {minimum}")
    return int(number)


def number(value: object, name: str, minimum: float | None = None,
           maximum: float | None = None) -> float:
    """A finite number within ``[minimum, maximum]`` (either bound may be left open)."""
    bounds = ([f">= {minimum:g}"] if minimum is not None else []) \
        + ([f"<= {maximum:g}"] if maximum is not None else [])
    wanted = " ".join(["must be a number", " and ".join(bounds)]).strip()
    if isinstance(value, bool):
        fail(name, value, wanted)
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        fail(name, value, wanted)
    if not math.isfinite(out) or (minimum is not None and out < minimum) \
            or (maximum is not None and out > maximum):
        fail(name, value, wanted)
    return out


def share(value: object, name: str) -> float:
    """A share between 0 and 1 (``max_share``, ``at_risk`` ...)."""
    return number(value, name, 0.0, 1.0)


def threshold(value: object, name: str = "threshold") -> float:
    """A pressure threshold: a share of revenue, a number > 0 (at 0 every organisation would
    certify, bought from or not)."""
    out = number(value, name)
    if out <= 0:
        fail(name, value, "must be a number > 0")
    return out


def fraction(value: object, name: str) -> float:
    """A share in (0, 1] (``at_risk``: some, at most all, of the sales)."""
    out = number(value, name)
    if not 0 < out <= 1:
        fail(name, value, "must be a number > 0 and <= 1")
    return out


def org_ids(values: object, name: str) -> list[str]:
    """A collection of org_ids (list, tuple, Series, array), each as text; one string is refused
    (it would be read character by character)."""
    if isinstance(values, str | bytes):
        fail(name, values, "give a list of org_ids, not one string (e.g. ['10000154'])")
    try:
        return [str(v).strip() for v in values]  # type: ignore[attr-defined]
    except TypeError:
        fail(name, values, "give a list of org_ids")


def choice(value: str, choices: Iterable[str], name: str) -> str:
    """One of ``choices`` (``model``, ``objective``, ``lang`` ...)."""
    allowed = list(choices)
    if value not in allowed:
        fail(name, value, f"use one of {', '.join(allowed)}")
    return value


def level(value: str, levels: Sequence[str], name: str = "min_level") -> str:
    """A certificate level known to the rules (``aspirant``, ``1``, ``2``, ``3``)."""
    return choice(str(value).strip(), levels, name)


def date(value: object, name: str = "on") -> dt.date:
    """A date: a ``datetime.date``, a pandas Timestamp or ISO text (``2025-06-30``)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        stamp = pd.Timestamp(str(value))
    except (TypeError, ValueError):
        fail(name, value, "not a date (use YYYY-MM-DD)")
    if pd.isna(stamp):
        fail(name, value, "not a date (use YYYY-MM-DD)")
    return stamp.date()


# --- values against the data ---------------------------------------------------------------
def year_in(value: int | None, years: Sequence[int], name: str = "year") -> int:
    """``value`` (the latest of ``years`` when None), which must be one of ``years``."""
    present = sorted(int(y) for y in years)
    if not present:
        fail(name, value, "no_purchases")
    if value is None:
        return present[-1]
    chosen = whole(value, name)
    if chosen not in present:
        fail(name, value, coded("no_purchases_in_year", years=listing(present)))
    return chosen


def a_network(value: object, name: str = "network") -> None:
    """A network (what :func:`pso_chain.open` returns), not a folder name or a table: bad input
    saying how to get one."""
    if not all(hasattr(value, attr) for attr in ("years", "organisations", "org_ids")):
        shown = str(value) if isinstance(value, str | bytes) or hasattr(value, "__fspath__") \
            else type(value).__name__
        fail(name, shown, "not a network: open the data first, e.g. pso_chain.open(folder), "
             "pso_chain.load_example() or pso_chain.from_frames(...)")


def year(network: PurchaseNetwork, value: int | None, name: str = "year") -> int:
    """The reference year: ``value`` or the latest year in purchases; bad input (naming the
    years present) when no purchase falls in it."""
    a_network(network)
    if len(network.years) == 0:  # the file is at fault, not the argument
        files = getattr(getattr(network, "data", None), "files", None) or {}
        raise PsoInputError(Problem(files.get("purchases", "purchases"), None, None, None,
                                    "there are no purchases"))
    return year_in(value, [int(y) for y in network.years], name)


def nearest(value: str, known: Sequence[str], n: int = 3) -> list[str]:
    """Up to ``n`` of ``known`` spelled most like ``value`` (case ignored)."""
    folded = {k.casefold(): k for k in known}
    close = difflib.get_close_matches(value.strip().casefold(), list(folded), n=n, cutoff=0.6)
    return [folded[c] for c in close]


def municipality_in(value: str, known: Sequence[str], name: str = "municipality") -> str:
    """The spelling in the data of municipality ``value`` (case and surrounding spaces ignored);
    bad input naming the nearest known names when no organisation is there."""
    names = sorted({str(k).strip() for k in known} - {""})
    wanted = str(value).strip().casefold()
    for known_name in names:
        if known_name.casefold() == wanted:
            return known_name
    close = nearest(str(value), names)
    hint = f"did you mean {', '.join(close)}?" if close else f"known: {listing(names)}"
    fail(name, value, f"no organisation in this municipality ({hint})")


_MUNICIPALITY_CODES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_NO_MUNICIPALITY = {"", "nan", "None", "<NA>"}


def _municipality_codes(network: PurchaseNetwork) -> tuple[np.ndarray, list[str]]:
    """Each organisation's municipality (stripped) as a code into the sorted names: read once
    per network, so a search by municipality compares integers, not five million texts."""
    found = _MUNICIPALITY_CODES.get(network)
    if found is None:
        column = network.organisations["municipality"].astype(str).str.strip()
        codes, names = pd.factorize(column, sort=True)
        found = (np.asarray(codes), [str(x) for x in names])
        _MUNICIPALITY_CODES[network] = found
    return found


def municipalities(network: PurchaseNetwork) -> list[str]:
    """The municipalities that occur in the data, sorted."""
    if "municipality" not in network.organisations.columns:
        return []
    return sorted(set(_municipality_codes(network)[1]) - _NO_MUNICIPALITY)


def municipality(network: PurchaseNetwork, value: str, name: str = "municipality") -> str:
    """The spelling in ``network`` of municipality ``value``; bad input with the nearest known
    names when no organisation is there."""
    return municipality_in(value, municipalities(network), name)


def municipality_mask(network: PurchaseNetwork, values: str | Sequence[str] | None,
                      name: str = "municipality") -> np.ndarray:
    """Organisations in any of the municipalities ``values`` (one name or several; all
    organisations when None or empty). Each name is checked with :func:`municipality`."""
    if values is not None and not isinstance(values, str | list | tuple | set | frozenset | np.ndarray
                                              | pd.Series | pd.Index):
        fail(name, values, "give a municipality name (text), or several in a list")
    if values is None or (not isinstance(values, str) and len(values) == 0):
        return np.ones(network.n, dtype=bool)
    wanted = [values] if isinstance(values, str) else list(values)
    known = municipalities(network)
    spelled = {municipality_in(v, known, name) for v in wanted}
    codes, names = _municipality_codes(network)
    return np.isin(codes, [k for k, n in enumerate(names) if n in spelled])


def org(network: PurchaseNetwork, org_id: str, name: str = "org") -> int:
    """Node index of organisation ``org_id``; bad input naming the argument when unknown."""
    idx = network.org_ids.get_indexer([str(org_id).strip()])[0]
    if idx < 0:
        fail(name, org_id, "no_organisation")
    return int(idx)
