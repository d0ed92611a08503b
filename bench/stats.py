"""The one way every bench script summarises its timings: n, median, p95, p99 in one unit.

Bench scripts run as `python bench/<name>.py`, so this sits beside them and is imported as
`from stats import summary` (the script's folder is first on sys.path).
"""

from __future__ import annotations

import numpy as np

SCALE = {"s": 1.0, "ms": 1e3, "us": 1e6}


def summary(samples_s: list[float], unit: str = "ms", digits: int | None = None) -> dict:
    """`{"n", "median_<unit>", "p95_<unit>", "p99_<unit>"}` of timings given in seconds."""
    if not samples_s:
        raise ValueError("no samples to summarise")
    arr = np.asarray(samples_s, dtype=float) * SCALE[unit]
    figures = {
        f"median_{unit}": float(np.median(arr)),
        f"p95_{unit}": float(np.percentile(arr, 95)),
        f"p99_{unit}": float(np.percentile(arr, 99)),
    }
    if digits is not None:
        figures = {k: round(v, digits) for k, v in figures.items()}
    return {"n": len(arr), **figures}
