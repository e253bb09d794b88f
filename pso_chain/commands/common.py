"""Shared CLI plumbing: common options, opening a source with progress, one way to report bad
input, and printing user text safely (never read as rich markup)."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.text import Text

import pso_chain
from pso_chain import messages
from pso_chain.commands.options import settings
from pso_chain.errors import PsoInputError, format_problem
from pso_chain.outputs import files
from pso_chain.outputs.display import Display
from pso_chain.outputs.files import FORMATS, plain, set_context, terminal_console

console = terminal_console()
err_console = Console(stderr=True)


DatasetArg = Annotated[str, typer.Argument(
    metavar="DATASET", show_default=False,
    help="Dataset folder (organisations, purchases, ... as .csv/.parquet/.xlsx) "
         "or a bolt:// / neo4j:// URI")]
YearOpt = Annotated[int | None, typer.Option("--year", "-y", metavar="YEAR", show_default=False,
                                             help="Reference year (default: latest in purchases)")]
RulesOpt = Annotated[Path | None, typer.Option("--rules", metavar="FILE", show_default=False,
                                               help="Rules TOML file (default: the packaged rules)",
                                               exists=True, dir_okay=False)]
MunicipalityOpt = Annotated[str | None, typer.Option(
    "--municipality", "-m", metavar="NAME", show_default=False,
    help="Only organisations in this municipality")]


def _unwritable(path: Path, option: str | None, problem: str) -> NoReturn:
    """Bad input before any work: a path no file can be written to (exit 1, the path named)."""
    err_console.print(Text.assemble((t("prefix_error"), "bold red"),
                                    f"{option or t('path')} {path}: {problem}"), soft_wrap=True)
    raise typer.Exit(1)


def _check_out(path: Path | None) -> Path | None:
    """Before any work: a usage error (exit 2) when --out names a format we cannot write; bad
    input (exit 1) when it names a place no file can be written to."""
    problem = path_problem(path) if path is not None else None
    if problem and path is not None:
        _unwritable(path, "--out", problem)
    if path is not None and path.suffix.lower() not in FORMATS:
        raise typer.BadParameter(f"{path}: use one of {', '.join(FORMATS)}", param_hint="--out")
    return path


def check_file_path(ctx: typer.Context, param: typer.CallbackParam, path: Path | None) -> Path | None:
    """Bad input (exit 1) before any work when a file option names a place no file can be
    written to."""
    problem = path_problem(path) if path is not None else None
    if problem and path is not None:
        _unwritable(path, param.opts[0] if param.opts else None, problem)
    return path


def path_problem(path: Path) -> str | None:
    """What makes ``path`` unusable for a new file (None when it looks writable)."""
    if path.is_dir():
        return t("path_is_folder")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                return t("path_parent_file", parent=parent)
            if not os.access(parent, os.W_OK | os.X_OK):
                return t("path_no_permission", parent=parent)
            return None
    return None


OutOpt = Annotated[Path | None, typer.Option("--out", "-o", callback=_check_out, metavar="FILE",
                                             show_default=False,
                                             help="Write to FILE (.csv, .parquet, .xlsx or .json)")]
OrgOpt = Annotated[str, typer.Option("--org", metavar="ORG_ID", help="org_id of the organisation")]


def display() -> Display:
    """Labels and number formats of the chosen language (``--lang``, on the command's settings)."""
    return Display(settings().lang)


# The writers of pso_chain.outputs.files with the command's language passed explicitly.
def render_table(frame, **options) -> None:
    files.render_table(frame, lang=display().lang, **options)


def emit(frame, out, **options) -> None:
    files.emit(frame, out, lang=display().lang, **options)


def wrote(what: str, path) -> None:
    files.wrote(what, path, lang=display().lang)


def write_table(frame, path, **options):
    return files.write_table(frame, path, lang=display().lang, **options)


def write_xlsx(sheets, path, **options):
    return files.write_xlsx(sheets, path, lang=display().lang, **options)


def tr(nl: str, en: str) -> str:
    """The text of the chosen language, written inline (prefer :func:`t` and a key in the
    message catalogue: one place for every text, docs/i18n.md)."""
    return nl if display().lang == "nl" else en


def t(key: str, **values: object) -> str:
    """The catalogue's text ``cli.<key>`` (:mod:`pso_chain.messages`) in the chosen language."""
    return messages.text(f"cli.{key}", display().lang, **values)


def code(value: object) -> str:
    """A code of the engine (a reason, a status, a note) in the chosen language's words."""
    return display().fmt.code(value)


def sheets_written(frames: dict) -> str:
    """``leveranciers (19), samenvatting (7)``: the sheets of a workbook and their rows."""
    disp = display()
    return ", ".join(f"{disp.sheet(name)} ({disp.fmt.integer(len(frame))})" for name, frame in frames.items())


def say(*parts: object, style: str | None = None, err: bool = False) -> None:
    """Print text made of plain parts (user values never read as markup); a ``(text, style)``
    tuple styles one part."""
    text = Text(style=style or "")
    for part in parts:
        if isinstance(part, tuple):
            text.append(str(part[0]), style=part[1])
        else:
            text.append(str(part))
    # results wrap at words within the terminal; messages on stderr stay whole lines (paths, rows)
    (err_console if err else console).print(text, highlight=False, soft_wrap=err)


def error(message: object) -> None:
    say((t("prefix_error"), "bold red"), message, err=True)


def warn(message: object) -> None:
    say((t("prefix_warning"), "yellow"), message, err=True)


def note(message: object) -> None:
    say((t("prefix_note"), "yellow"), message, err=True)


def fails_on_bad_input(func):
    """Turn :class:`PsoInputError` into a clear message on stderr and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except PsoInputError as exc:
            error(exc.describe(display().lang))
            raise typer.Exit(1) from None
        except OSError as exc:  # a file that cannot be written or read: say which and why
            where = exc.filename if exc.filename is not None else ""
            error(f"{where}: {exc.strerror or exc}" if where else str(exc))
            raise typer.Exit(1) from None

    return wrapper


def open_source(dataset: str, rules: Path | None = None, show_warnings: bool = True):
    """:func:`pso_chain.open` with a spinner on stderr; the data's warnings printed."""
    with err_console.status(plain(t("busy_loading", dataset=dataset)), spinner="dots"):
        network = pso_chain.open(dataset, rules, settings=settings())
    set_context(rules=str(network.rules.version))
    report = getattr(getattr(network, "data", None), "report", None)
    if show_warnings and report is not None and len(report.warnings):
        for r in report.warnings.head(10).itertuples(index=False):
            warn(format_problem(r.file, r.row, r.column, r.value, r.reason, display().lang))
        if len(report.warnings) > 10:
            say((t("more_warnings", n=display().fmt.integer(len(report.warnings) - 10)), "yellow"),
                err=True)
    return network


def status(message: str):
    """A spinner on stderr while a computation runs."""
    return err_console.status(plain(message), spinner="dots")


def is_terminal() -> bool:
    return sys.stdout.isatty()
