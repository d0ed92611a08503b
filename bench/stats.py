"""The one way every bench script summarises its timings: n, median, p95, p99 in one unit.

Bench scripts run as `python bench/<name>.py`, so this sits beside them and is imported as
`from stats import summary` (the script's folder is first on sys.path); the percentiles are
`lotse_common.stats`'s, as everywhere else in Lotse.
"""

from __future__ import annotations

from lotse_common.stats import distribution

SCALE = {"s": 1.0, "ms": 1e3, "us": 1e6}


def summary(samples_s: list[float], unit: str = "ms", digits: int | None = None) -> dict:
    """`{"n", "median_<unit>", "p95_<unit>", "p99_<unit>"}` of timings given in seconds."""
    if not samples_s:
        raise ValueError("no samples to summarise")
    dist = distribution(s * SCALE[unit] for s in samples_s)
    figures = {f"{q}_{unit}": dist[q] for q in ("median", "p95", "p99")}
    if digits is not None:
        figures = {k: round(v, digits) for k, v in figures.items()}
    return {"n": dist["n"], **figures}
