"""Re-run the commands printed in a document and write (or check) their real output.

A block to run is a fenced block right after the line ``<!-- run -->``: its lines starting with
``$ `` are commands, the lines after each command its output. ``pso-chain ...`` commands run in
this process (the command line's own app, English, a fixed terminal width, no compiled cache);
``| head -n N`` after one keeps its first N lines. Anything else (``echo``, ``head``) runs in bash.
Every block of a document runs in one fresh folder where ``pso_chain/data/example`` is the
bundled example, so the commands read exactly as a user types them in a checkout.

    .venv/bin/python scripts/run_doc.py docs/olievlek.md          # rewrite the outputs
    .venv/bin/python scripts/run_doc.py docs/olievlek.md --check  # exit 1 when they drift

``tests/test_olievlek_doc.py`` runs the check.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from typer.testing import CliRunner

from pso_chain.cli import app

ROOT = Path(__file__).resolve().parent.parent
MARK = "<!-- run -->"
WIDTH = "150"
ENV = {"COLUMNS": WIDTH, "LINES": "500", "PSO_CHAIN_LANG": "en", "PSO_CHAIN_NO_CACHE": "1",
       "NO_COLOR": "1", "TERM": "dumb"}
HEAD = re.compile(r"^(?P<cmd>.*?)\s*\|\s*head\s+-n\s*(?P<n>\d+)\s*$")


def blocks(lines: list[str]) -> list[tuple[int, int]]:
    """(first, last) line index of the body of every block marked to run (fences excluded)."""
    out = []
    i = 0
    while i < len(lines):
        if lines[i].strip() == MARK and i + 1 < len(lines) and lines[i + 1].startswith("```"):
            end = next(j for j in range(i + 2, len(lines)) if lines[j].startswith("```"))
            out.append((i + 2, end))
            i = end
        i += 1
    return out


def run_cli(command: str, folder: Path) -> str:
    """A ``pso-chain`` command in this process: its stdout and stderr as the terminal shows them."""
    args = shlex.split(command)[1:]
    result = CliRunner().invoke(app, args, env=ENV, catch_exceptions=False)
    return result.stdout + result.stderr


def run(command: str, folder: Path) -> str:
    match = HEAD.match(command)
    body, keep = (match["cmd"], int(match["n"])) if match else (command, None)
    if body.startswith("pso-chain "):
        text = run_cli(body, folder)
    else:
        done = subprocess.run(["bash", "-c", body], cwd=folder, capture_output=True, text=True,
                              env={**os.environ, **ENV})
        text = done.stdout + done.stderr
    lines = [line.rstrip() for line in text.splitlines()]
    if keep is not None:
        lines = lines[:keep]
    return "\n".join(lines)


def rerun(text: str) -> str:
    """``text`` with every marked block's outputs replaced by what its commands print now."""
    lines = text.split("\n")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "pso_chain" / "data").mkdir(parents=True)
        (folder / "pso_chain" / "data" / "example").symlink_to(ROOT / "pso_chain" / "data" / "example")
        here = Path.cwd()
        os.chdir(folder)
        try:
            for first, last in reversed(blocks(lines)):
                commands = [line[2:] for line in lines[first:last] if line.startswith("$ ")]
                body = []
                for command in commands:
                    body.append(f"$ {command}")
                    output = run(command, folder)
                    if output:
                        body.append(output)
                lines[first:last] = "\n".join(body).split("\n")
        finally:
            os.chdir(here)
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("document", type=Path)
    parser.add_argument("--check", action="store_true", help="only check that the outputs are current")
    args = parser.parse_args()
    for key, value in ENV.items():
        os.environ[key] = value
    path = args.document.resolve()
    old = path.read_text(encoding="utf-8")
    new = rerun(old)
    if args.check:
        if new != old:
            diff = difflib.unified_diff(old.splitlines(), new.splitlines(), "in the document",
                                        "run now", lineterm="", n=1)
            print("\n".join(diff), file=sys.stderr)
            print(f"{path.name}: printed output drifted (run scripts/run_doc.py {args.document})",
                  file=sys.stderr)
            return 1
        return 0
    if new != old:
        path.write_text(new, encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
