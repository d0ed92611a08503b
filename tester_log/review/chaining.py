"""Which decision points one instruction said: its own, and those chained to it ("… Danach: …").

A v2 log names them (``chained``). A v1 log does not; for it the guidance loop's rule is applied
to the route: after the start, the decision points nearer than ``instruction_m`` are said with
the first instruction; after any other, up to two following points each closer than ``chain_m``
to the one before (``mobile.guidance.callouts``; distances from ``GuidanceTimings``).
"""

from __future__ import annotations

from collections.abc import Sequence

from mobile.guidance.active_route import DECISION_TYPES
from mobile.guidance.timings import GuidanceTimings

#: at most this many points are said with one instruction
MAX_CHAINED = 2


def chained_points(ann: dict, maneuvers: Sequence[dict],
                   timings: GuidanceTimings | None = None) -> list[int]:
    """The maneuver indices (of the announcement's own route) said along with ``ann``."""
    if "chained" in ann:
        return [i for i in ann["chained"] or [] if isinstance(i, int)]
    own = ann.get("maneuver")
    if ann.get("kind") not in ("instruction", "depart") or not isinstance(own, int):
        return []
    tm = timings or GuidanceTimings()
    out: list[int] = []
    last = float(maneuvers[own].get("at_m") or 0.0) if own < len(maneuvers) else 0.0
    for j in range(own + 1, len(maneuvers)):
        m = maneuvers[j]
        if m.get("type") not in DECISION_TYPES:
            continue
        at = float(m.get("at_m") or 0.0)
        limit = tm.instruction_m if ann["kind"] == "depart" else tm.chain_m
        reach = at if ann["kind"] == "depart" else at - last
        if reach >= limit or len(out) >= MAX_CHAINED:
            break
        out.append(j)
        last = at
    return out
