"""Every chart, drawn on a matplotlib ``Axes`` handed in: one module for the report, the CLI's
``--plot`` files and the notebooks.

The report draws on a bare :func:`new_figure` (Agg canvas, no pyplot state); a notebook passes
``plt.subplots()[1]`` and gets the same picture inline; ``plot_*`` write the CLI's PNG files.
Every function takes the tables the library returns and a
:class:`~pso_chain.outputs.report.labels.Labels` for the texts (Dutch or English).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pso_chain.errors import Problem, PsoInputError
from pso_chain.outputs.report.labels import Labels

GREEN, BLUE, ORANGE, GREY, GOLD = "#0b6e4f", "#3b6ea5", "#d9822b", "#a7b1bc", "#e0b000"


def new_figure(width: float = 8.0, height: float = 3.6, ncols: int = 1):
    """A figure with one Axes (or a row of ``ncols``) on its own Agg canvas: no global pyplot
    state to leak between reports, and a notebook's inline plots keep working."""
    # matplotlib is imported when a chart is drawn, not at every command's start-up
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    if ncols == 1:
        return fig, fig.add_subplot(1, 1, 1)
    return fig, list(fig.subplots(1, ncols, squeeze=False)[0])


def _whole_numbers(ax) -> None:
    """Counts on the y axis: ticks at whole numbers only."""
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))


def _no_data(ax, lab: Labels) -> None:
    ax.text(0.5, 0.5, lab("no_data"), ha="center", va="center", transform=ax.transAxes, color=GREY)
    ax.set_xticks([])
    ax.set_yticks([])


def draw_tredes(ax, scope: pd.DataFrame, lab: Labels, overall: pd.DataFrame | None = None,
                scope_name: str | None = None) -> None:
    """Organisations per trede (a :func:`~pso_chain.core.scoring.trede_distribution` frame); with
    ``overall`` the shares of the scope and of the whole dataset side by side."""
    names = [lab.trede(t) for t in scope["trede"]]
    x = np.arange(len(names))
    if overall is None:
        bars = ax.bar(x, scope["organisations"], color=[GREEN, GREEN, GREEN, GREY][:len(x)])
        ax.bar_label(bars, padding=2)
        _whole_numbers(ax)
        ax.set_ylabel(lab("organisations"))
    else:
        width = 0.38
        ax.bar(x - width / 2, scope["share_pct"], width, color=GREEN, label=scope_name or lab("scope"))
        ax.bar(x + width / 2, overall["share_pct"], width, color=GREY, label=lab("all_organisations"))
        ax.set_ylabel(lab("share_of_organisations_pct"))
        ax.legend(frameon=False)
    ax.set_xticks(x, names)
    ax.set_title(lab("chart_tredes"))
    ax.spines[["top", "right"]].set_visible(False)
    ax.figure.tight_layout()


def draw_counting_share(ax, frame: pd.DataFrame, lab: Labels, label_of=None, highlight: str | None = None
                        ) -> None:
    """Share of each group's spend going to SW-bedrijven and to certified suppliers (stacked
    horizontal bars, from a :func:`~pso_chain.core.spend.counting_spend` frame)."""
    frame = frame[frame["spend_eur"] > 0]
    if frame.empty:
        _no_data(ax, lab)
        return
    frame = frame.sort_values(["counting_share", "group"], ascending=[True, False])
    groups = [label_of(g) if label_of else str(g) for g in frame["group"]]
    y = np.arange(len(groups))
    sw = 100 * frame["sw_spend_eur"].to_numpy(float) / frame["spend_eur"].to_numpy(float)
    cert = 100 * frame["certified_spend_eur"].to_numpy(float) / frame["spend_eur"].to_numpy(float)
    ax.barh(y, sw, color=BLUE, label=lab("spend_at_sw"))
    ax.barh(y, cert, left=sw, color=GREEN, label=lab("spend_at_certified"))
    ax.set_yticks(y, groups)
    if highlight is not None:
        for tick, group in zip(ax.get_yticklabels(), frame["group"], strict=True):
            if str(group).casefold() == highlight.casefold():
                tick.set_fontweight("bold")
    ax.set_xlabel(lab("counting_share_pct"))
    ax.legend(frameon=False, loc="lower right")
    ax.spines[["top", "right"]].set_visible(False)
    ax.figure.tight_layout()


def draw_buyer_groups(ax, frame: pd.DataFrame, lab: Labels) -> None:
    """Counting share of certified buyers, other buyers and all buyers (an
    :func:`~pso_chain.olievlek.spend_by_buyer_group` frame)."""
    names = [lab.buyer_group(g) for g in frame["group"]]
    share = 100 * frame["counting_share"].to_numpy(float)
    bars = ax.bar(np.arange(len(names)), np.nan_to_num(share), color=[GREEN, GREY, BLUE][:len(names)])
    ax.bar_label(bars, labels=[lab.fmt.pct(v) for v in share], padding=2)
    ax.set_xticks(np.arange(len(names)), names)
    ax.set_ylabel(lab("counting_share_axis"))
    ax.set_title(lab("chart_buyer_groups"))
    ax.spines[["top", "right"]].set_visible(False)
    ax.figure.tight_layout()


def draw_history(ax, history: pd.DataFrame, lab: Labels) -> None:
    """First certifications per year, split into roots (generation 0) and organisations that
    followed a certified buyer (generation 1, 2 and deeper), from an
    :func:`~pso_chain.olievlek.history` frame."""
    dated = history.dropna(subset=["certified_on"])
    if dated.empty:
        _no_data(ax, lab)
        return
    years = pd.DatetimeIndex(dated["certified_on"]).year.to_numpy()
    generation = np.minimum(dated["generation"].to_numpy(int), 2)
    span = np.arange(years.min(), years.max() + 1)
    bottom = np.zeros(len(span))
    for g, color, key in ((0, GREY, "generation_0"), (1, GREEN, "generation_1"), (2, GOLD, "generation_2")):
        counts = np.array([((years == y) & (generation == g)).sum() for y in span])
        ax.bar(span, counts, bottom=bottom, color=color, label=lab(key))
        bottom += counts
    ax.set_xticks(span, [str(y) for y in span], rotation=45 if len(span) > 8 else 0)
    _whole_numbers(ax)
    ax.set_ylabel(lab("first_certifications"))
    ax.set_title(lab("chart_history"))
    ax.legend(frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    ax.figure.tight_layout()


def cascade_layout(tree: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """Positions of one cascade's organisations (a :func:`~pso_chain.olievlek.history` frame
    holding one root): generation downwards, each parent centred above its followers."""
    children: dict[str, list[str]] = {}
    for org, parent in zip(tree["org_id"], tree["parent_id"], strict=True):
        if parent is not None and not pd.isna(parent):
            children.setdefault(str(parent), []).append(str(org))
    root = str(tree.loc[tree["generation"] == 0, "org_id"].iloc[0])
    pos: dict[str, tuple[float, float]] = {}
    next_x = 0.0
    stack: list[tuple[str, int, bool]] = [(root, 0, False)]
    while stack:  # depth-first, children before their parent is placed (no recursion limit)
        node, depth, done = stack.pop()
        kids = sorted(children.get(node, []))
        if not kids:
            pos[node] = (next_x, -depth)
            next_x += 1.0
        elif done:
            xs = [pos[k][0] for k in kids]
            pos[node] = ((min(xs) + max(xs)) / 2, -depth)
        else:
            stack.append((node, depth, True))
            stack.extend((k, depth + 1, False) for k in reversed(kids))
    return pos


def draw_cascade(ax, history: pd.DataFrame, root_id: str, lab: Labels, names: pd.Series | None = None
                 ) -> None:
    """The tree of one cascade of an :func:`~pso_chain.olievlek.history` frame: who followed whom,
    one row per generation, labelled with names (``org_id`` -> name) when given."""
    tree = history[history["root_id"] == root_id]
    if tree.empty:
        _no_data(ax, lab)
        return
    pos = cascade_layout(tree)
    for org, parent in zip(tree["org_id"], tree["parent_id"], strict=True):
        if parent is not None and not pd.isna(parent):
            (x0, y0), (x1, y1) = pos[str(parent)], pos[str(org)]
            ax.annotate("", (x1, y1), (x0, y0), arrowprops={"arrowstyle": "->", "color": GREY, "lw": 1.2})
    generation = tree["generation"].to_numpy(int)
    colors = np.array([GREY, GREEN, GOLD])[np.minimum(generation, 2)]
    xy = np.array([pos[str(o)] for o in tree["org_id"]])
    ax.scatter(xy[:, 0], xy[:, 1], s=160, c=colors, zorder=3, edgecolors="white")
    if len(tree) <= 20:
        for org, on in zip(tree["org_id"], tree["certified_on"], strict=True):
            text = str(names.get(org, org)) if names is not None else str(org)
            text = text if len(text) <= 28 else text[:27] + "…"
            when = lab.fmt.date(on)
            ax.annotate(f"{text}\n{when}", pos[str(org)], xytext=(10, -4), textcoords="offset points",
                        fontsize=8, va="center")
    depth = int(generation.max())
    ax.set_yticks([-g for g in range(depth + 1)], [lab("generation_n", n=g) for g in range(depth + 1)])
    ax.set_xticks([])
    width = max(xy[:, 0].max(), 1.0)
    ax.set_xlim(-0.5, width + 2.5)
    ax.set_ylim(-depth - 0.5, 0.5)
    ax.spines[["top", "right", "bottom", "left"]].set_visible(False)
    ax.tick_params(axis="y", length=0)
    root_name = str(names.get(root_id, root_id)) if names is not None else str(root_id)
    ax.set_title(lab("chart_cascade", name=root_name))
    ax.figure.tight_layout()


def draw_rounds(ax, rounds: pd.DataFrame, lab: Labels, compare: pd.DataFrame | None = None,
                compare_label: str | None = None) -> None:
    """Newly certified per round (bars) and the cumulative count (line) of a
    ``Simulation.rounds_frame()``; ``compare`` adds a second run's cumulative line."""
    r = rounds["round"].to_numpy()
    bars = ax.bar(r, rounds["newly_certified"], color=GREEN, label=lab("newly_certified"))
    ax.bar_label(bars, padding=2)
    ax.plot(r, rounds["cumulative_certified"], color=ORANGE, marker="o", label=lab("cumulative_certified"))
    if compare is not None:
        ax.plot(compare["round"], compare["cumulative_certified"], color=BLUE, marker="s", linestyle="--",
                label=compare_label or lab("cumulative_certified"))
        r = np.union1d(r, compare["round"].to_numpy())
    ax.set_xticks(r)
    ax.set_xlabel(lab("round"))
    _whole_numbers(ax)
    ax.set_ylabel(lab("organisations"))
    ax.set_title(lab("chart_rounds"))
    ax.legend(frameon=False, loc="upper left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.figure.tight_layout()


def draw_exposure(ax, exposure: pd.DataFrame, lab: Labels) -> None:
    """Prospects by tier distance, split by whether their code share already meets the
    threshold (an :func:`~pso_chain.olievlek.exposure` frame)."""
    if exposure.empty:
        _no_data(ax, lab)
        return
    distance = exposure["distance"].astype("Int64")
    tiers = sorted(int(d) for d in distance.dropna().unique())
    keys = [*tiers, None]
    names = [str(t) for t in tiers] + [lab("unreachable")]
    meets = exposure["meets_threshold"].to_numpy(bool)
    at = [(distance.isna() if k is None else distance == k).fillna(False).to_numpy(bool) for k in keys]
    yes = np.array([(m & meets).sum() for m in at])
    no = np.array([(m & ~meets).sum() for m in at])
    x = np.arange(len(keys))
    ax.bar(x, yes, color=GREEN, label=lab("meets_threshold"))
    ax.bar(x, no, bottom=yes, color=GREY, label=lab("below_threshold"))
    ax.set_xticks(x, names)
    ax.set_xlabel(lab("distance"))
    _whole_numbers(ax)
    ax.set_ylabel(lab("organisations"))
    ax.set_title(lab("chart_exposure"))
    ax.legend(frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    ax.figure.tight_layout()


def draw_seed_gains(ax, seeds: pd.DataFrame, lab: Labels) -> None:
    """Organisations the cascade certifies beyond the seeds, after each pick (a
    :func:`~pso_chain.olievlek.select_seeds` frame)."""
    if seeds.empty:
        _no_data(ax, lab)
        return
    k = seeds["rank"].to_numpy()
    ax.bar(k, seeds["certified_gain"], color=GREEN, label=lab("marginal_gain"))
    ax.plot(k, seeds["certified_gain"].cumsum(), color=ORANGE, marker="o", label=lab("cumulative_gain"))
    ax.set_xticks(k)
    ax.set_xlabel(lab("seeds_picked"))
    _whole_numbers(ax)
    ax.set_ylabel(lab("extra_certified"))
    ax.set_title(lab("chart_seeds"))
    ax.legend(frameon=False, loc="upper left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.figure.tight_layout()


# --- PNG files for the command line (--plot FILE) ----------------------------------------------
def _save_png(fig, path: str | Path, title: str | None) -> Path:
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise PsoInputError(Problem(str(path), None, None, None, "a plot is written as .png"))
    path.parent.mkdir(parents=True, exist_ok=True)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return path


def plot_simulation(rounds: pd.DataFrame, path: str | Path, title: str | None = None,
                    lang: str = "en") -> Path:
    """Newly certified per round and cumulatively (``Simulation.rounds_frame()``), as a PNG."""
    fig, ax = new_figure(8.0, 4.5)
    draw_rounds(ax, rounds, Labels(lang))
    return _save_png(fig, path, title)


def plot_history(history: pd.DataFrame, path: str | Path, top: int = 3, title: str | None = None,
                 lang: str = "en") -> Path:
    """First certifications per year by generation (left) and the ``top`` largest cascades
    (right; cascades with at least one follower), as a PNG."""
    lab = Labels(lang)
    sizes = history.groupby("root_id").size() if len(history) else pd.Series(dtype=int)
    sizes = sizes[sizes > 1].reset_index(name="size")
    if len(sizes):
        sizes = sizes.sort_values(["size", "root_id"], ascending=[False, True]).head(max(top, 0))
    fig, axes = new_figure(5.5 * (1 + len(sizes)), 4.5, ncols=1 + len(sizes))
    axes = axes if isinstance(axes, list) else [axes]
    draw_history(axes[0], history, lab)
    names = history.set_index("org_id")["name"] if "name" in history.columns else None
    for ax, root in zip(axes[1:], sizes["root_id"] if len(sizes) else [], strict=False):
        draw_cascade(ax, history, root, lab, names)
    return _save_png(fig, path, title)


def plot_exposure(exposure: pd.DataFrame, path: str | Path, title: str | None = None,
                  lang: str = "en") -> Path:
    """Prospects per tier distance, split by whether they meet the threshold, as a PNG."""
    fig, ax = new_figure(8.0, 4.5)
    draw_exposure(ax, exposure, Labels(lang))
    return _save_png(fig, path, title)
