"""docs/olievlek.md shows real runs (issue 21.8): every printed output is re-run and compared, and
the Python block runs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "olievlek.md"


def test_printed_outputs_are_current():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "run_doc.py"), str(DOC), "--check"],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-6000:]


def test_every_verb_shows_a_run_and_its_assumptions():
    text = DOC.read_text(encoding="utf-8")
    sections = re.split(r"^## ", text, flags=re.M)
    for verb in ("olievlek exposure", "olievlek history", "olievlek simulate", "olievlek seeds",
                 "olievlek stats", "embodied"):
        section = next(s for s in sections if s.startswith(f"`pso-chain {verb} "))
        assert "<!-- run -->" in section and "*Assumptions.*" in section, verb


def test_the_python_block_runs():
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"<!-- python -->\n```python\n(.*?)```", text, flags=re.S)
    assert block is not None
    exec(compile(block.group(1), str(DOC), "exec"), {})  # noqa: S102 (our own document)
