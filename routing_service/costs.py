"""What a metre of each kind of way costs a walker: ONE table, one column per profile.

Costs are in *metres of ordinary pavement the walker would rather walk* than take this piece.
A length factor multiplies an edge's length; a fixed cost (metres) is added once per edge (steps)
or once per node passed (crossings, barriers, kerbs: charged on the edge that enters the node).
Valhalla-style: everything is precomputed per profile as arrays, so a request only combines a few
vectors. The ``walk`` profile is all ones and zeros: its cost is the plain length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from routing_service.compiled import WalkNetwork
from routing_service.ingest import CROSSING, SQUARE
from routing_service.options import RouteOptions

MAIN_ROADS = frozenset({"primary", "primary_link", "secondary", "secondary_link", "tertiary",
                        "tertiary_link", "trunk", "trunk_link", "road"})
MINOR_ROADS = frozenset({"residential", "unclassified", "service", "track"})
NO_SIDEWALK = frozenset({"no", "none", "separate"})  # "separate": the pavement is its own way
ROUGH_SURFACES = frozenset({"sett", "cobblestone", "unhewn_cobblestone", "unpaved", "gravel",
                            "fine_gravel", "dirt", "grass", "ground", "sand", "mud", "pebblestone"})
BAD_SMOOTHNESS = frozenset({"bad", "very_bad", "horrible", "very_horrible", "impassable"})
SIGNALLED = frozenset({"signals_sound", "signals_vibration", "signals"})
#: below this width (m) a cane user brushes walls, bins and parked bikes
NARROW_WIDTH_M = 1.2


@dataclass(frozen=True)
class CostTable:
    """Length factors (x length) and fixed costs (+ metres) of one profile."""

    main_road_without_sidewalk: float = 1.0
    main_road_with_sidewalk: float = 1.0
    minor_road_without_sidewalk: float = 1.0
    steps_factor: float = 1.0
    steps_fixed_m: float = 0.0
    tactile_paving: float = 1.0
    rough_surface: float = 1.0
    bad_smoothness: float = 1.0
    narrow: float = 1.0
    unlit_at_night: float = 1.0
    square_interior: float = 1.0
    crossing_m: dict[str, float] = field(default_factory=dict)
    barrier_m: float = 0.0
    kerb_raised_m: float = 0.0
    kerb_lowered_m: float = 0.0


TABLES: dict[str, CostTable] = {
    # plain shortest walk: the reference the detour factor is measured against
    "walk": CostTable(),
    "blind": CostTable(
        main_road_without_sidewalk=10.0,  # walking on the carriageway of a main road: avoid hard
        main_road_with_sidewalk=1.2,      # pavement beside traffic noise that masks cues
        minor_road_without_sidewalk=2.0,  # shared street: cars are rare but give no warning
        steps_factor=2.0,                 # a cane user takes steps at half pace
        steps_fixed_m=36.0,               # Valhalla: 30 s per step segment, at 1.2 m/s
        tactile_paving=1 / 3,             # HULOP MapService: tactile paving costs a third
        rough_surface=1.2,                # sett/cobbles catch the cane tip
        bad_smoothness=1.3,               # holes and roots: trip hazards
        narrow=1.3,                       # under 1.2 m: obstacles cannot be passed
        unlit_at_night=1.0,               # light changes nothing for a blind walker
        square_interior=2.0,              # no building line to follow across an open square
        crossing_m={
            "signals_sound": 5.0,         # the best crossing there is: audible green phase
            "signals_vibration": 10.0,    # vibrating button: safe, but the button must be found
            "signals": 40.0,              # silent lights: must judge traffic flow by ear
            "zebra": 80.0,                # right of way, but drivers cannot see intent
            "unmarked": 300.0,            # strongly penalised: no protection at all
        },
        barrier_m=40.0,                   # bollards and gates: collision risk, must search way
        kerb_raised_m=30.0,               # a raised kerb is a fall risk without warning
        kerb_lowered_m=5.0,               # lowered kerb: small, still a level change
    ),
    "low_vision": CostTable(
        main_road_without_sidewalk=8.0,
        main_road_with_sidewalk=1.1,
        minor_road_without_sidewalk=1.6,
        steps_factor=1.5,                 # edges of steps are hard to see without contrast
        steps_fixed_m=24.0,               # 20 s per step segment at 1.2 m/s
        tactile_paving=0.6,               # useful as a guide, but vision does most of the work
        rough_surface=1.1,
        bad_smoothness=1.3,
        narrow=1.1,
        unlit_at_night=2.0,               # in the dark residual vision is lost: prefer lit ways
        square_interior=1.3,              # open squares are easier with some sight
        crossing_m={"signals_sound": 5.0, "signals_vibration": 8.0, "signals": 15.0,
                    "zebra": 40.0, "unmarked": 150.0},
        barrier_m=20.0,
        kerb_raised_m=15.0,
        kerb_lowered_m=3.0,
    ),
}

#: walking speed (m/s) used for duration_s: cane and dog users walk slower than the average
SPEED_M_S: dict[str, float] = {"walk": 1.3, "blind": 1.0, "low_vision": 1.1}
#: seconds per step segment spent on steps, on top of walking their length
STEPS_EXTRA_S = 10.0


def _width_m(value: str | None) -> float:
    if value is None:
        return np.nan
    match = re.search(r"\d+(?:[.,]\d+)?", value)
    return float(match.group().replace(",", ".")) if match else np.nan


@dataclass
class EdgeFeatures:
    """Boolean/categorical views of the tags, computed once per network."""

    steps: np.ndarray
    main_no_sidewalk: np.ndarray
    main_sidewalk: np.ndarray
    minor_no_sidewalk: np.ndarray
    tactile: np.ndarray
    rough: np.ndarray
    bad_smooth: np.ndarray
    narrow: np.ndarray
    unlit: np.ndarray
    square_interior: np.ndarray
    crossing: np.ndarray  # object: crossing type passed on this edge, or None
    barrier: np.ndarray
    kerb: np.ndarray

    @classmethod
    def of(cls, net: WalkNetwork) -> EdgeFeatures:
        et, nt, v, u = net.edge_tags, net.node_tags, net.edge_v, net.edge_u
        sidewalk = et.column("sidewalk")
        no_sidewalk = np.array([s is None or s in NO_SIDEWALK for s in sidewalk])
        main, minor = et.isin("highway", MAIN_ROADS), et.isin("highway", MINOR_ROADS)
        # crossing: the node entered, else the crossing way itself, paid on its first edge only:
        # not when it starts at a tagged crossing node or inside the crossing way (an untagged
        # node where it meets the carriageway), which the previous edge already paid for
        node_crossing = nt.column(CROSSING)
        way_crossing = et.column(CROSSING)
        on_way = way_crossing != None  # noqa: E711
        ways_in = np.bincount(v[on_way], minlength=net.n_nodes)  # crossing-way edges entering
        first = (node_crossing[u] == None) & (ways_in[u] - on_way == 0)  # noqa: E711
        crossing = np.where(node_crossing[v] != None, node_crossing[v],  # noqa: E711
                            np.where(first, way_crossing, None))
        widths = np.array([_width_m(w) for w in et.column("width")])
        return cls(
            steps=et.isin("highway", {"steps"}),
            main_no_sidewalk=main & no_sidewalk, main_sidewalk=main & ~no_sidewalk,
            minor_no_sidewalk=minor & no_sidewalk,
            tactile=et.isin("tactile_paving", {"yes", "incorrect"}) | (
                nt.isin("tactile_paving", {"yes"})[v] & (crossing != None)),  # noqa: E711
            rough=et.isin("surface", ROUGH_SURFACES),
            bad_smooth=et.isin("smoothness", BAD_SMOOTHNESS),
            narrow=np.nan_to_num(widths, nan=99.0) < NARROW_WIDTH_M,
            unlit=et.isin("lit", {"no"}),
            square_interior=et.isin(SQUARE, {"interior"}),
            crossing=crossing,
            barrier=nt.column("barrier")[v],
            kerb=nt.column("kerb")[v],
        )


class CostModel:
    """Per-profile cost vectors of one network; ``costs()`` applies the user's options."""

    def __init__(self, net: WalkNetwork) -> None:
        self.net = net
        self.features = f = EdgeFeatures.of(net)
        self._parts: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}
        # the tag tests shared by every profile, made once (object-array comparisons are slow)
        barrier = f.barrier != None  # noqa: E711
        kerb_raised = f.kerb == "raised"
        kerb_lowered = np.isin(f.kerb.astype(str), ["lowered", "flush"])
        crossing_kinds = {kind: f.crossing == kind
                          for kind in {k for t in TABLES.values() for k in t.crossing_m}}
        for name, t in TABLES.items():
            factor = np.ones(net.n_edges)
            factor[f.main_no_sidewalk] *= t.main_road_without_sidewalk
            factor[f.main_sidewalk] *= t.main_road_with_sidewalk
            factor[f.minor_no_sidewalk] *= t.minor_road_without_sidewalk
            factor[f.steps] *= t.steps_factor
            factor[f.rough] *= t.rough_surface
            factor[f.bad_smooth] *= t.bad_smoothness
            factor[f.narrow] *= t.narrow
            factor[f.square_interior] *= t.square_interior
            fixed = np.where(f.steps, t.steps_fixed_m, 0.0)
            for kind, metres in t.crossing_m.items():
                fixed += np.where(crossing_kinds[kind], metres, 0.0)
            fixed += np.where(barrier, t.barrier_m, 0.0)
            fixed += np.where(kerb_raised, t.kerb_raised_m, 0.0)
            fixed += np.where(kerb_lowered, t.kerb_lowered_m, 0.0)
            tactile = np.where(f.tactile, t.tactile_paving, 1.0)
            night = np.where(f.unlit, t.unlit_at_night, 1.0)
            self._parts[name] = (factor * net.edge_length, fixed, tactile, night)
        self.unsignalled = np.isin(f.crossing.astype(str), ["zebra", "unmarked"])

    def costs(self, profile: str, options: RouteOptions, night: bool = False) -> np.ndarray:
        """Cost of every directed edge; ``inf`` where the options forbid the edge."""
        weighted_length, fixed, tactile, unlit = self._parts[profile]
        length = weighted_length
        if options.tactile_for(profile):
            length = length * tactile
        if night:
            length = length * unlit
        cost = length + fixed
        if options.avoid_steps:
            cost = np.where(self.features.steps, np.inf, cost)
        if options.signalled_crossings_only:
            cost = np.where(self.unsignalled, np.inf, cost)
        # scipy treats explicit zeros as edges, but keep every cost positive for safety
        return np.maximum(cost, 1e-3)
