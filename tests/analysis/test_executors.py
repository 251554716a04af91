"""Sweeps on a Dask cluster: ``Client.get_executor()`` is a ``concurrent.futures.Executor`` and
works unchanged (install with ``pip install 'kgkc-opt[dask]'``)."""

from __future__ import annotations

from pathlib import Path

import pytest

import kgkc_opt as kg
from kgkc_opt.analysis import sweep

distributed = pytest.importorskip("distributed")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def test_sweep_on_a_dask_local_cluster_matches_local_solves(client):
    scn = kg.load_scenario(ROOT / "scenarios" / "baseline.yaml")
    levels = [100.0, 90.0, 75.0, 60.0, 45.0]
    remote = sweep.sweep(scn, budget=levels, executor=client.get_executor())
    local = sweep.sweep(scn, budget=levels, workers=1)
    assert list(remote.objectives["status"]) == ["optimal"] * len(levels)
    assert list(remote.objectives["objective"]) == list(local.objectives["objective"])
    assert remote.frame.equals(local.frame)


def test_monte_carlo_on_a_dask_local_cluster_matches_local_solves(client):
    scn = kg.load_scenario(ROOT / "scenarios" / "uncertain-cofunding.yaml")
    remote = sweep.monte_carlo(scn, samples=6, executor=client.get_executor())
    local = sweep.monte_carlo(scn, samples=6, workers=1)
    assert remote.samples.equals(local.samples)
    assert remote.frame.equals(local.frame)
