"""Every notebook in notebooks/ runs top to bottom without an error (nbclient, a fresh kernel).

The notebooks are the planners' tutorials and templates; executing them in CI keeps them from
rotting. Each runs in its own folder (notebooks/), as a planner would open it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
EXPECTED = ["01-baseline", "02-budget-cut", "03-replan-with-actuals", "04-sweeps-and-uncertainty", "05-new-program",
            "06-annual-plan", "07-drafting-a-2026-2030-program"]


def test_all_seven_notebooks_are_there():
    names = sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb"))
    assert names == EXPECTED


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in EXPECTED if (NOTEBOOKS / f"{n}.ipynb").exists()])
def test_notebook_runs(name, tmp_path):
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    # The stored notebooks carry no outputs: what is committed is the source, not a stale run.
    stored = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    assert all(not c.get("outputs") for c in stored.cells if c.cell_type == "code")
