"""What the Dask executor costs on one machine: the 13-level sweep 100:40:-5 of the baseline on the
local pool of 2 workers (its processes started inside each sweep) and on a running
``distributed.LocalCluster`` of 2 worker processes (started before the timer), twice each; the
results must be equal. Figures quoted in docs/performance.md ("Dask").

    PYTHONPATH=. python benchmarks/dask_cost.py
"""

from __future__ import annotations

import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    from distributed import Client, LocalCluster

    import kgkc_opt as kg
    from kgkc_opt.analysis.sweep import parse_levels, sweep

    scenario = kg.load_scenario(ROOT / "scenarios" / "baseline.yaml")
    levels = parse_levels("100:40:-5")
    times: dict[str, list[float]] = {"local pool": [], "dask cluster": []}
    for _ in range(2):
        t = time.perf_counter()
        local = sweep(scenario, budget=levels, workers=2)
        times["local pool"].append(time.perf_counter() - t)
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            t = time.perf_counter()
            remote = sweep(scenario, budget=levels, executor=client.get_executor())
            times["dask cluster"].append(time.perf_counter() - t)
        assert local.frame.equals(remote.frame), "the Dask sweep differs from the local one"
    for name, runs in times.items():
        print(f"{name:13s} {', '.join(f'{s:.2f} s' for s in runs)}")


if __name__ == "__main__":
    main()
