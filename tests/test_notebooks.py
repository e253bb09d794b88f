"""Every analyst notebook runs top to bottom on a fresh kernel (nbclient, the venv's python3
kernel), with its plots inline; the stored notebooks carry no outputs and match their generator
``scripts/make_notebooks.py``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pso_chain import check, load_example

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CELL_TIMEOUT = 120  # seconds per cell, on a busy machine
# Appended to the executed copy only: which python the kernel ran.
WHERE = "import sys, pso_chain\nprint(sys.prefix)\nprint(pso_chain.__file__)"


def test_three_walkthroughs():
    assert [p.name for p in NOTEBOOKS] == ["01_scoring_and_uplift.ipynb", "02_olievlek.ipynb",
                                           "03_municipality.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_without_outputs(path: Path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    kinds = [cell.cell_type for cell in notebook.cells]
    assert kinds[0] == "markdown" and kinds.count("markdown") >= 5  # prose between the steps
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.id
    text = "".join(cell.source for cell in notebook.cells)
    assert "pso_chain.load_example()" in text  # the bundled data, found through the installed package
    code = "".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    assert "from pso_chain" not in code  # the public API only: `import pso_chain`, then pso_chain.<verb>
    assert "report_labels" not in code and "reporting" not in code
    assert "../" not in text and "pso_chain/data" not in text  # no paths relative to the checkout


def test_generator_is_in_step():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_notebooks.py"), "--check"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def execute(notebook, tmp_path: Path):
    """Run ``notebook`` on a fresh kernel in ``tmp_path``; its code cells."""
    client = nbclient.NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})  # run elsewhere
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom(path: Path, tmp_path: Path):
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(WHERE))
    code = execute(notebook, tmp_path)
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1))  # in order, once
    outputs = [out for cell in code for out in cell.outputs]
    assert not [out for out in outputs if out.output_type == "error"]
    assert not [out for out in outputs if out.output_type == "stream" and out.name == "stderr"
                and "Traceback" in out.text]
    images = [out for out in outputs if "image/png" in out.get("data", {})]
    assert len(images) >= 3, "plots should show inline"
    prefix, package = code[-1].outputs[0].text.split()
    assert Path(prefix).resolve() == Path(sys.prefix).resolve()  # the venv's kernel
    assert Path(package).resolve().is_relative_to(ROOT) or "site-packages" in package


@pytest.mark.parametrize("municipality", [m for m in check.municipalities(load_example()) if m != "Apeldoorn"])
def test_municipality_notebook_runs_for_every_municipality(municipality: str, tmp_path: Path):
    """Notebook 03 for each municipality of the example (Apeldoorn, its default, runs above):
    its checks (the seeds' gains equal the simulated spread) hold everywhere."""
    notebook = nbformat.read(ROOT / "notebooks" / "03_municipality.ipynb", as_version=4)
    default = 'MUNICIPALITY = "Apeldoorn"'
    setup = [cell for cell in notebook.cells if default in cell.source]
    assert len(setup) == 1
    setup[0].source = setup[0].source.replace(default, f"MUNICIPALITY = {municipality!r}")
    code = execute(notebook, tmp_path)
    outputs = [out for cell in code for out in cell.outputs]
    assert not [out for out in outputs if out.output_type == "error"]
    assert any(municipality in out.get("text", "") for out in outputs if out.output_type == "stream")
