"""The one way Lotse summarises a sample (errors, timings): n, mean, median, p95, p99, max.

Percentiles by numpy's default linear interpolation everywhere, so a p99 in a bench, a replay
report and a simulated walk mean the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def distribution(values: Iterable[float]) -> dict[str, float]:
    """`{"n", "mean", "median", "p95", "p99", "max"}` of a non-empty sample."""
    arr = np.asarray(list(values), dtype=float)
    if arr.size == 0:
        raise ValueError("no values to summarise")
    p50, p95, p99 = np.percentile(arr, [50, 95, 99])
    return {"n": int(arr.size), "mean": float(arr.mean()), "median": float(p50),
            "p95": float(p95), "p99": float(p99), "max": float(arr.max())}
