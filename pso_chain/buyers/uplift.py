"""What purchasing lifts one organisation to each higher trede: exact, minimal, cap-aware.

For target trede ``t`` with norm ``N`` the direct contribution ``d`` is fixed, so purchasing must
supply ``x = N - d`` percentage points of counted indirect contribution. Counted indirect is
``min(100 I / (F + I), d s / (1 - s))``: the trede is out of reach through purchasing when the
cap is below ``x`` or the qualitative check failed; otherwise the indirect FTE needed is
``I* = F x / (100 - x)``. Euros at a supplier follow from its yield (target-group FTE per euro of
revenue). Every amount is found in whole cents and confirmed with the scoring kernel itself, so
adding the proposed purchase to the data makes ``credits`` report the trede, and one cent less
does not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pso_chain import check
from pso_chain.buyers.common import (
    buyer_indirect_fte,
    buyer_scores,
    candidate_blocks,
    counts_at,
    purchase_day,
    require_figures,
    spend_at,
    yield_fte_per_meur,
)
from pso_chain.core.explanation import why_not_counted
from pso_chain.core.network import PurchaseNetwork
from pso_chain.core.scoring import indirect_fte
from pso_chain.errors import Problem, PsoInputError
from pso_chain.messages import coded
from pso_chain.settings import load_buyer_defaults

TARGET_COLUMNS = [
    "org_id", "year", "current_trede", "total_pct_now", "direct_pct", "cap_pct", "target_trede",
    "norm_pct", "reachable", "reason", "needed_indirect_fte", "indirect_fte_now",
    "extra_indirect_fte",
]
UPLIFT_COLUMNS = [
    "org_id", "year", "current_trede", "total_pct_now", "target_trede", "norm_pct", "reachable",
    "reason", "needed_indirect_fte", "indirect_fte_now", "extra_indirect_fte", "supplier_id",
    "supplier_name", "yield_fte_per_meur", "extra_eur", "share_of_revenue_pct", "room_eur",
    "large_share", "purchase_date",
]
MIX_COLUMNS = [
    "org_id", "year", "target_trede", "reachable", "reason", "supplier_id", "supplier_name",
    "yield_fte_per_meur", "room_eur", "extra_eur", "indirect_fte_after", "total_pct_after",
]
SHIFT_COLUMNS = [
    "scenario", "org_id", "year", "from_id", "to_id", "moved_eur", "spend_at_from_eur",
    "spend_at_to_eur", "indirect_fte", "indirect_pct", "indirect_counted_pct", "total_pct",
    "trede", "cap_applied",
]
_MAX_STEPS = 200  # cent steps when confirming an amount; the estimate is off by at most a few


def _trede(value: int):
    return pd.NA if value == 0 else int(value)


def _targets(network: PurchaseNetwork, buyer: int, year: int) -> tuple[dict, list[dict]]:
    """Current score and one dict per trede above it (see :func:`trede_targets`)."""
    rules = network.rules
    now_fte = buyer_indirect_fte(network, buyer, year)
    now = buyer_scores(network, buyer, now_fte)
    fte = float(network.fte[buyer])
    direct = float(now["direct_pct"][0])
    cap = direct * rules.max_indirect_ratio
    current = int(now["trede"][0])
    # the most any purchasing can give: indirect_pct close to 100, counted up to the cap
    best = buyer_scores(network, buyer, fte * 1e9, qualitative_ok=True)
    state = {"buyer": buyer, "indirect_fte": now_fte, "total_pct": float(now["total_pct"][0]),
             "trede": current, "direct_pct": direct, "cap_pct": cap}
    rows = []
    for t in range(current + 1, 4):
        norm = float(now["norms"][0, t - 1])
        x = max(norm - direct, 0.0)
        needed = fte * x / (100 - x) if x < 100 else np.nan
        reasons = []
        if not network.qualitative_ok[buyer]:
            reasons.append("qualitative_check")
        if int(best["trede"][0]) < t:
            ratio = rules.max_indirect_ratio
            if direct <= 0:
                reasons.append(coded("cap_no_direct", ratio=f"{ratio:g}"))
            else:
                reasons.append(coded("cap", ratio=f"{ratio:g}", cap_pct=f"{cap:.2f}", trede=t,
                                     needed_pct=f"{x:.2f}", direct_pct=f"{direct:.2f}",
                                     reachable_pct=f"{norm * (1 - rules.max_indirect_share):.2f}"))
            needed = np.nan  # no amount of purchasing is enough
        reason = " | ".join(reasons)  # codes, read by pso_chain.messages.readable
        extra = max(needed - now_fte, 0.0) if needed == needed else np.nan
        rows.append({"target_trede": t, "norm_pct": norm, "reachable": reason == "",
                     "reason": reason, "needed_indirect_fte": needed, "extra_indirect_fte": extra})
    return state, rows


def trede_targets(network: PurchaseNetwork, org_id: str, year: int) -> pd.DataFrame:
    """One row per trede above the organisation's current one: the total percentage needed
    (``norm_pct``), whether purchasing can reach it and why not, and the indirect FTE needed in
    total and on top of today's."""
    buyer = network.node(org_id)
    state, rows = _targets(network, buyer, year)
    frame = pd.DataFrame(rows, columns=[c for c in TARGET_COLUMNS if c not in (
        "org_id", "year", "current_trede", "total_pct_now", "direct_pct", "cap_pct",
        "indirect_fte_now")])
    frame = frame.assign(org_id=str(org_id), year=int(year),
                         current_trede=_trede(state["trede"]), total_pct_now=state["total_pct"],
                         direct_pct=state["direct_pct"], cap_pct=state["cap_pct"],
                         indirect_fte_now=state["indirect_fte"])
    frame["current_trede"] = frame["current_trede"].astype("Int64")
    return frame[TARGET_COLUMNS].reset_index(drop=True)


def minimal_amounts(network: PurchaseNetwork, buyer: int, base_fte: float, per_eur, trede: int
                    ) -> np.ndarray:
    """For each yield in ``per_eur`` (FTE per euro): the smallest amount in whole cents whose
    credit, added to ``base_fte``, gives the buyer trede ``trede`` by the scoring kernel.

    Amounts come from the closed form and are then confirmed cent by cent, so rounding can
    never leave the proposal a hair short. ``NaN`` where the yield is 0.
    """
    per_eur = np.asarray(per_eur, dtype=float)
    out = np.full(len(per_eur), np.nan)
    usable = per_eur > 0
    if not usable.any():
        return out
    y = per_eur[usable]
    fte = float(network.fte[buyer])
    direct = float(buyer_scores(network, buyer, base_fte)["direct_pct"][0])
    norm = float(network.rules.norms([network.employees[buyer]])[0, trede - 1])
    x = max(norm - direct, 0.0)
    need = max(fte * x / (100 - x) - base_fte, 0.0)

    def meets(cents: np.ndarray) -> np.ndarray:
        return buyer_scores(network, buyer, base_fte + (cents / 100) * y)["trede"] >= trede

    cents = np.maximum(np.floor(need / y * 100) - 1, 0)
    for _ in range(_MAX_STEPS):  # step down while one cent less still reaches (rare)
        lower = (cents > 0) & meets(np.maximum(cents - 1, 0))
        if not lower.any():
            break
        cents = np.where(lower, cents - 1, cents)
    for _ in range(_MAX_STEPS):  # step up until it reaches
        ok = meets(cents)
        if ok.all():
            break
        cents = np.where(ok, cents, cents + 1)
    else:
        raise RuntimeError("uplift: could not confirm an amount within 200 cent steps")
    out[usable] = cents / 100
    return out


def _supplier_reason(network: PurchaseNetwork, buyer: int, supplier: int, year: int, day: int,
                     counted: bool) -> str:
    if supplier == buyer:
        return "buyer_itself"
    if not counted:
        return why_not_counted(network, buyer, supplier, year, day)
    if np.isnan(network.revenue[supplier]):
        return "revenue_unknown"
    if network.target_fte[supplier] <= 0:
        return "no_target_fte"
    return ""


def _room(network: PurchaseNetwork, buyer: int, year: int, nodes: np.ndarray) -> np.ndarray:
    """What each supplier in ``nodes`` could still sell the buyer in ``year``: its revenue less
    what the buyer already buys there (whole cents, never negative; 0 without revenue)."""
    spend = spend_at(network, buyer, year, nodes)
    room = np.floor(np.maximum(network.revenue[nodes] - spend, 0) * 100) / 100
    return np.where(np.isfinite(room), room, 0.0)


def _within_room(network: PurchaseNetwork, buyer: int, year: int, blocks, base_fte: float,
                 trede: int, top: int) -> tuple[np.ndarray, np.ndarray]:
    """The first ``top`` suppliers of ``blocks`` (candidates, best yield first) whose minimal
    amount for ``trede`` fits in what they could sell the buyer, and those amounts."""
    picked, amounts = [], []
    for nodes in blocks:
        if not len(nodes):
            continue
        need = minimal_amounts(network, buyer, base_fte, network.yield_per_eur[nodes], trede)
        fits = need <= _room(network, buyer, year, nodes)
        picked.append(nodes[fits])
        amounts.append(need[fits])
        if sum(len(p) for p in picked) >= top:
            break
    nodes = np.concatenate(picked)[:top] if picked else np.zeros(0, np.int64)
    return nodes, (np.concatenate(amounts)[:top] if amounts else np.zeros(0))


def uplift_by_supplier(network: PurchaseNetwork, org_id: str, year: int, top: int | None = None,
                       suppliers: list[str] | None = None, on=None,
                       large_share_pct: float | None = None) -> pd.DataFrame:
    """For each trede above the current one and each of the ``top`` eligible suppliers by yield
    (or the ``suppliers`` named): the exact minimal extra spend at that supplier alone that
    reaches it (``extra_eur``, whole cents).

    The new purchase is dated ``on`` (``purchase_date``): only suppliers where a purchase on that
    day counts are proposed. Undated (``on`` None) it counts when the supplier is eligible on
    some day of the year, as an undated purchase row does. A supplier is never asked for more
    than it could sell the buyer (``room_eur``: its revenue less what the buyer already buys
    there): the next one by yield is proposed instead, and a named one gets the reason.
    ``large_share`` marks proposals of at least ``large_share_pct`` percent of the supplier's
    revenue (buyers-defaults.toml). Unreachable tredes get one row with the reason. ``top``
    defaults to ``buyers-defaults.toml``.
    """
    top = load_buyer_defaults().uplift_top if top is None else check.positive_int(top, "top")
    if large_share_pct is None:
        large_share_pct = load_buyer_defaults().large_share_pct
    buyer = network.node(org_id)
    day = purchase_day(on, year)
    state, targets = _targets(network, buyer, year)
    named = suppliers is not None
    why: dict[int, str] = {}
    if suppliers is not None:
        chosen = pd.unique(network.nodes(list(suppliers)))
        y = network.yield_per_eur[chosen]
        chosen = chosen[np.lexsort((chosen, -y))]
        counted = counts_at(network, buyer, year, chosen, on)
        why = {int(s): _supplier_reason(network, buyer, int(s), year, day, bool(c))
               for s, c in zip(chosen, counted, strict=True)}
    ids = network.organisations["org_id"]  # looked up per proposed supplier, not converted whole
    names = network.organisations["name"]
    when = pd.Timestamp(on) if on is not None else pd.NaT
    rows = []
    for target in targets:
        head = {"org_id": str(org_id), "year": int(year), "current_trede": _trede(state["trede"]),
                "total_pct_now": state["total_pct"], "indirect_fte_now": state["indirect_fte"],
                "purchase_date": when, **target}
        if not target["reachable"]:
            rows.append(head)
            continue
        t = target["target_trede"]
        if named:
            nodes = chosen
            per_eur = np.where([why[int(s)] == "" for s in nodes], network.yield_per_eur[nodes], 0.0)
            amounts = minimal_amounts(network, buyer, state["indirect_fte"], per_eur, t)
            room = _room(network, buyer, year, nodes)
            reasons = [why[int(s)] for s in nodes]
            for i, (a, r) in enumerate(zip(amounts, room, strict=True)):
                if a == a and a > r:
                    reasons[i] = coded("exceeds_room", amount_eur=f"{a:.2f}", room_eur=f"{r:.2f}")
                    amounts[i] = np.nan
        else:
            nodes, amounts = _within_room(network, buyer, year, candidate_blocks(network, buyer, year, on),
                                          state["indirect_fte"], t, top)
            room = _room(network, buyer, year, nodes)
            reasons = [""] * len(nodes)
        if len(nodes) == 0:
            rows.append({**head, "reason": "no_supplier_fits"})
            continue
        meur = yield_fte_per_meur(network, nodes)
        for i, (s, amount, reason, r) in enumerate(zip(nodes, amounts, reasons, room, strict=True)):
            share = 100 * amount / network.revenue[s]
            rows.append({**head, "reason": reason, "supplier_id": ids.iat[int(s)],
                         "supplier_name": names.iat[int(s)],
                         "yield_fte_per_meur": meur[i], "extra_eur": amount,
                         "share_of_revenue_pct": share, "room_eur": r,
                         "large_share": bool(share >= large_share_pct)})
    return _frame(rows, UPLIFT_COLUMNS)


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    for col in ("current_trede", "target_trede", "trede"):
        if col in frame.columns:
            frame[col] = frame[col].astype("Int64")
    for col in ("supplier_id", "supplier_name", "reason"):
        if col in frame.columns:
            frame[col] = frame[col].astype(object)
    for col in columns:
        if col.endswith(("_eur", "_fte", "_pct", "_meur")) and frame[col].dtype == object:
            frame[col] = frame[col].astype(float)
    if "large_share" in frame.columns:
        frame["large_share"] = frame["large_share"].astype("boolean")
    if "purchase_date" in frame.columns:
        frame["purchase_date"] = pd.to_datetime(frame["purchase_date"])
    return frame.reset_index(drop=True)


def uplift_mix(network: PurchaseNetwork, org_id: str, year: int, max_share: float, on=None
               ) -> pd.DataFrame:
    """The cheapest mix of purchases reaching each trede above the current one when one buyer
    may take at most ``max_share`` of a supplier's revenue.

    A supplier's room is ``max_share * revenue`` minus what the buyer already spends there in
    ``year`` (counting or not), in whole cents. Credit is linear in euros with a cap per
    supplier, so filling the highest-yield suppliers first is optimal (fractional knapsack); the
    last supplier takes the minimal amount in cents, confirmed with the scoring kernel in the
    order the rows are listed (the order ``credits`` adds them in).
    """
    if not 0 < max_share <= 1:
        raise PsoInputError(Problem("max_share", None, None, max_share,
                                    "must be a share in (0, 1], e.g. 0.25"))
    buyer = network.node(org_id)
    state, targets = _targets(network, buyer, year)
    highest = max((t["target_trede"] for t in targets if t["reachable"]), default=None)
    found, rooms = [np.zeros(0, np.int64)], [np.zeros(0)]
    # candidates best yield first, until the highest reachable trede is reached (the first hit
    # of each trede then lies in what was read: the running sum only grows) or none are left
    for block in (candidate_blocks(network, buyer, year, on) if highest is not None else ()):
        room = np.floor(np.maximum(max_share * network.revenue[block] - spend_at(network, buyer, year, block),
                                   0) * 100) / 100
        found.append(block[room > 0])
        rooms.append(room[room > 0])
        candidates, room = np.concatenate(found), np.concatenate(rooms)
        running = np.add.accumulate(np.r_[state["indirect_fte"], room * network.yield_per_eur[candidates]])
        if len(candidates) and int(buyer_scores(network, buyer, running[-1:])["trede"][0]) >= (highest or 0):
            break
    candidates, room = np.concatenate(found), np.concatenate(rooms)
    y = network.yield_per_eur[candidates]
    running = np.add.accumulate(np.r_[state["indirect_fte"], room * y])  # sequential, as credits adds
    full = buyer_scores(network, buyer, running[1:]) if len(candidates) else None
    meur = yield_fte_per_meur(network, candidates)
    rows = []
    for target in targets:
        t = target["target_trede"]
        head = {"org_id": str(org_id), "year": int(year), "target_trede": t,
                "reachable": target["reachable"], "reason": target["reason"]}
        if not target["reachable"]:
            rows.append(head)
            continue
        hit = np.flatnonzero(full["trede"] >= t) if full is not None else np.array([], int)
        if len(hit) == 0:
            most = running[-1] - running[0]
            rows.append({**head, "reachable": False, "reason": coded(
                "max_share", share_pct=f"{100 * max_share:g}", most=f"{most:.4f}",
                needed=f"{target['extra_indirect_fte']:.4f}")})
            continue
        k = int(hit[0])
        last = minimal_amounts(network, buyer, running[k], y[k:k + 1], t)[0]
        amounts = np.r_[room[:k], last]
        after = np.add.accumulate(np.r_[state["indirect_fte"], amounts * y[:k + 1]])[1:]
        total = buyer_scores(network, buyer, after)["total_pct"]
        picked = network.organisations.iloc[candidates[:k + 1]]
        ids, names = picked["org_id"].to_numpy(), picked["name"].to_numpy()
        for i in range(k + 1):
            rows.append({**head, "supplier_id": ids[i], "supplier_name": names[i],
                         "yield_fte_per_meur": meur[i], "room_eur": room[i], "extra_eur": amounts[i],
                         "indirect_fte_after": after[i], "total_pct_after": total[i]})
    return _frame(rows, MIX_COLUMNS)


def shift_effect(network: PurchaseNetwork, org_id: str, year: int, from_id: str, to_id: str,
                 amount: float | None = None, on=None) -> pd.DataFrame:
    """What-if: move ``amount`` euros (default: all of ``year``'s spend) from supplier
    ``from_id`` to supplier ``to_id``; the score before and after (two rows).

    The buyer's rows at ``from_id`` in ``year`` shrink in proportion; the moved euros become one
    new purchase at ``to_id``, undated in the year (or dated ``on``). The after-row is computed
    by rescoring the edited network, the same path as ``credits``.
    """
    buyer = network.node(org_id)
    source, target = network.node(from_id), network.node(to_id)
    purchase_day(on, year)
    if source == target:
        raise PsoInputError(Problem("shift", None, None, f"{from_id}:{to_id}",
                                    "FROM and TO are the same supplier"))
    if target == buyer:
        raise PsoInputError(Problem("shift", None, None, to_id,
                                    "TO is the buyer itself: self-purchases never count"))
    rows = (network.buyer == buyer) & (network.supplier == source) & network.in_year(year)
    available = float(network.amount[rows].sum())
    if available <= 0:
        raise PsoInputError(Problem("shift", None, None, from_id,
                                    f"{org_id} bought nothing from {from_id} in {year}"))
    moved = available if amount is None else float(amount)
    if not 0 < moved <= available * (1 + 1e-12):
        raise PsoInputError(Problem("shift", None, None, amount,
                                    f"amount must be > 0 and at most the {available:,.2f} euros "
                                    f"{org_id} spent at {from_id} in {year}"))
    keep = 0.0 if moved >= available else 1 - moved / available
    amounts = np.where(rows, network.amount * keep, network.amount)
    added = pd.DataFrame({"buyer_id": [str(org_id)], "supplier_id": [str(to_id)],
                          "amount_eur": [moved], "year": [int(year)],
                          "date": [pd.Timestamp(on) if on is not None else pd.NaT]})
    after = network.with_purchases(amounts=amounts, added=added)
    out = []
    for scenario, net in (("before", network), ("after", after)):
        ind = float(indirect_fte(net, year)[buyer])
        score = buyer_scores(net, buyer, ind)
        spend = np.bincount(net.supplier[(net.buyer == buyer) & net.in_year(year)],
                            weights=net.amount[(net.buyer == buyer) & net.in_year(year)],
                            minlength=net.n)
        out.append({"scenario": scenario, "org_id": str(org_id), "year": int(year),
                    "from_id": str(from_id), "to_id": str(to_id),
                    "moved_eur": 0.0 if scenario == "before" else moved,
                    "spend_at_from_eur": spend[source], "spend_at_to_eur": spend[target],
                    "indirect_fte": ind, "indirect_pct": float(score["indirect_pct"][0]),
                    "indirect_counted_pct": float(score["indirect_counted_pct"][0]),
                    "total_pct": float(score["total_pct"][0]), "trede": _trede(int(score["trede"][0])),
                    "cap_applied": bool(score["cap_applied"][0])})
    return _frame(out, SHIFT_COLUMNS)


def parse_shift(spec: str) -> tuple[str, str, float | None]:
    """``FROM:TO[:EUR]`` as ``(from_id, to_id, euros or None)``."""
    parts = [p.strip() for p in str(spec).split(":")]
    ok = len(parts) in (2, 3) and all(parts[:2])
    amount = None
    if ok and len(parts) == 3:
        try:
            amount = float(parts[2].replace("_", ""))
        except ValueError:
            ok = False
    if not ok:
        raise PsoInputError(Problem("shift", None, None, spec, "expected FROM:TO or FROM:TO:EUR"))
    return parts[0], parts[1], amount


def uplift_plan(network: PurchaseNetwork, org_id: str, year: int, *, top: int | None = None,
                suppliers: list[str] | None = None, max_share: float | None = None,
                shift: str | None = None, on=None) -> dict[str, pd.DataFrame]:
    """Everything ``pso-chain uplift`` shows: ``uplift`` (:func:`uplift_by_supplier`),
    ``targets`` (:func:`trede_targets`), and
    ``mix`` (:func:`uplift_mix`) with ``max_share``, ``shift`` (:func:`shift_effect`) with a
    ``FROM:TO[:EUR]`` spec."""
    require_figures(network, org_id)
    plan = {"uplift": uplift_by_supplier(network, org_id, year, top=top, suppliers=suppliers, on=on),
            "targets": trede_targets(network, org_id, year)}
    if max_share is not None:
        plan["mix"] = uplift_mix(network, org_id, year, max_share, on=on)
    if shift:
        source, target, amount = parse_shift(shift)
        plan["shift"] = shift_effect(network, org_id, year, source, target, amount, on=on)
    return plan
