"""Pictures of the olievlek (PNG through matplotlib's Agg backend, imported only when asked).

- :func:`plot_simulation`: newly certified per round (bars) and the cumulative count (line);
- :func:`plot_history`: certifications per generation, and the largest cascade trees;
- :func:`plot_exposure`: how prospects spread over distance tiers and code shares.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pso_chain.errors import Problem, PsoInputError


class _AggFigures:
    """The two pyplot calls the plots use, on figures with their own Agg canvas.

    No backend switch and no global pyplot state: plotting to a file from a notebook leaves
    the notebook's inline plots working.
    """

    @staticmethod
    def subplots(nrows: int = 1, ncols: int = 1, *, figsize=None, squeeze: bool = True):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=figsize)
        FigureCanvasAgg(fig)
        return fig, fig.subplots(nrows, ncols, squeeze=squeeze)

    @staticmethod
    def close(fig) -> None:  # nothing global to release
        del fig


def _pyplot() -> type[_AggFigures]:
    try:
        import matplotlib  # noqa: F401
    except ModuleNotFoundError:  # an optional dependency (pip install pso-chain[plot])
        raise PsoInputError(Problem("--plot", None, None, None,
                                    "matplotlib is not installed: pip install 'pso-chain[plot]'")) from None
    return _AggFigures


def _check_png(path: str | Path) -> Path:
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise PsoInputError(Problem(str(path), None, None, None, "a plot is written as .png"))
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def plot_simulation(rounds: pd.DataFrame, path: str | Path, title: str = "olievlek simulation") -> Path:
    """Newly certified per round and cumulatively, from ``Simulation.rounds_frame()``."""
    plt = _pyplot()
    path = _check_png(path)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.bar(rounds["round"], rounds["newly_certified"], color="#4C72B0", label="newly certified")
    ax.set_xlabel("round")
    ax.set_ylabel("newly certified organisations")
    ax2 = ax.twinx()
    ax2.plot(rounds["round"], rounds["cumulative_certified"], color="#DD8452", marker="o",
             label="cumulative")
    ax2.set_ylabel("cumulative")
    ax2.set_ylim(bottom=0)
    lines = ax.get_legend_handles_labels()
    lines2 = ax2.get_legend_handles_labels()
    ax.legend(lines[0] + lines2[0], lines[1] + lines2[1], loc="upper left")
    ax.set_title(title)
    ax.set_xticks(rounds["round"])
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _tree_positions(frame: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """Layered layout of one cascade: generation down, leaves spread left to right."""
    children: dict[str, list[str]] = {}
    for org, parent in zip(frame["org_id"], frame["parent_id"], strict=True):
        if parent is not None and not pd.isna(parent):
            children.setdefault(parent, []).append(org)
    root = frame.loc[frame["generation"] == 0, "org_id"].iat[0]
    pos: dict[str, tuple[float, float]] = {}
    next_x = [0.0]

    def place(node: str, depth: int) -> float:
        kids = sorted(children.get(node, []))
        if not kids:
            x = next_x[0]
            next_x[0] += 1.0
        else:
            xs = [place(k, depth + 1) for k in kids]
            x = (min(xs) + max(xs)) / 2
        pos[node] = (x, -depth)
        return x

    place(root, 0)  # recursion as deep as the cascade has generations
    return pos


def plot_history(frame: pd.DataFrame, path: str | Path, top: int = 3,
                 title: str = "olievlek history") -> Path:
    """Certifications per generation (left) and the ``top`` largest cascade trees (right;
    cascades with at least one follower)."""
    plt = _pyplot()
    path = _check_png(path)
    cols = 1 + max(top, 0)
    fig, axes = plt.subplots(1, cols, figsize=(4.5 * cols, 4.5), squeeze=False)
    axes = axes[0]
    per_gen = frame["generation"].value_counts().sort_index()
    axes[0].bar(per_gen.index, per_gen.to_numpy(), color="#4C72B0")
    axes[0].set_xlabel("generation")
    axes[0].set_ylabel("certified organisations")
    axes[0].set_title("certifications per generation")
    axes[0].xaxis.get_major_locator().set_params(integer=True)
    sizes = frame.groupby("root_id").size().reset_index(name="size") if len(frame) else pd.DataFrame(
        columns=["root_id", "size"])
    sizes = sizes[sizes["size"] > 1]  # a tree needs a follower
    sizes = sizes.sort_values(["size", "root_id"], ascending=[False, True]).head(top)
    for ax, (root, size) in zip(axes[1:], zip(sizes["root_id"], sizes["size"], strict=True), strict=False):
        tree = frame[frame["root_id"] == root]
        pos = _tree_positions(tree)
        for org, parent in zip(tree["org_id"], tree["parent_id"], strict=True):
            if parent is not None and not pd.isna(parent):
                (x0, y0), (x1, y1) = pos[parent], pos[org]
                ax.plot([x0, x1], [y0, y1], color="#999999", linewidth=0.8, zorder=1)
        xy = np.array([pos[o] for o in tree["org_id"]])
        ax.scatter(xy[:, 0], xy[:, 1], c=-xy[:, 1], cmap="viridis", s=30, zorder=2)
        if size <= 12:  # labels stay readable on small trees only
            for org in tree["org_id"]:
                ax.annotate(org, pos[org], fontsize=6, xytext=(3, 3), textcoords="offset points",
                            rotation=30)
        ax.set_title(f"cascade of {root} ({size} organisations)", fontsize=9)
        ax.set_yticks(sorted({-g for g in tree["generation"]}))
        ax.set_yticklabels([str(g) for g in sorted(set(tree["generation"]), reverse=True)])
        ax.set_ylabel("generation")
        ax.set_xticks([])
    for ax in axes[1 + len(sizes):]:
        ax.axis("off")
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_exposure(frame: pd.DataFrame, path: str | Path, title: str = "olievlek exposure") -> Path:
    """Prospects per distance tier (left) and the distribution of code shares (right)."""
    plt = _pyplot()
    path = _check_png(path)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.5))
    tier = frame["distance"].astype("string").fillna("none")
    counts = tier.value_counts()
    labels = sorted((t for t in counts.index if t != "none"), key=int)
    labels += ["none"] if "none" in counts else []
    left.bar(labels, [int(counts[t]) for t in labels], color="#4C72B0")
    left.set_xlabel("distance in tiers from the nearest code-applying buyer")
    left.set_ylabel("organisations")
    left.set_title("prospects per tier")
    share = frame["code_share"].dropna()
    share = share[share > 0]
    right.hist(np.clip(share.to_numpy(), 0, 1), bins=40, color="#55A868")
    threshold = frame["threshold"].median() if len(frame) else np.nan
    if np.isfinite(threshold):
        right.axvline(threshold, color="#C44E52", linestyle="--", label=f"threshold {threshold:g}")
        right.legend()
    right.set_xlabel("share of revenue from code-applying buyers")
    right.set_ylabel("organisations (share > 0)")
    right.set_title("code share")
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
