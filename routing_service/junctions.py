"""Which junctions of a route may need a maneuver, decided for all of them at once.

Most junctions of a route are passed straight on along the same street, and the describer's
per-junction logic would say nothing there. This vectorised pre-check keeps only the others
(a turn, a change of name, a crossing, steps, a barrier or kerb, an open square, tactile paving),
erring on the side of keeping: a small margin on the straight-ahead angle absorbs rounding.
"""

from __future__ import annotations

import numpy as np

from accessibility.phrasing import STRAIGHT_BELOW_DEG
from routing_service.compiled import WalkNetwork
from routing_service.costs import EdgeFeatures
from routing_service.ingest import CROSSING, SQUARE

#: junctions this close to the straight-ahead threshold are still visited (float rounding)
ANGLE_MARGIN_DEG = 0.5


class JunctionFilter:
    def __init__(self, net: WalkNetwork, features: EdgeFeatures, degree: np.ndarray,
                 crossing_way: np.ndarray) -> None:
        et, nt = net.edge_tags, net.node_tags
        edge_u = np.asarray(net.edge_u)
        self.name_code = et.codes["name"]
        #: edge properties whose start is announced (entering a crossing, steps, square, tactile),
        #: one bit each
        flags = (crossing_way, features.steps, et.present(SQUARE), features.tactile)
        self.edge_flags = sum(np.asarray(f, dtype=bool).astype(np.uint8) << bit
                              for bit, f in enumerate(flags))
        # per edge, about the node it starts at: something there is announced; ways meet there
        node_flag = nt.present(CROSSING) | nt.present("barrier") | nt.present("kerb")
        self.start_flag = np.asarray(node_flag)[edge_u]
        self.start_junction = np.asarray(degree)[edge_u] >= 3

    def may_speak(self, edges: np.ndarray, head_start: np.ndarray, head_end: np.ndarray
                  ) -> np.ndarray:
        """Indices i >= 1 of the pieces (directed ``edges`` of a route) whose junction with
        piece i-1 may need a maneuver; headings are those of each piece's start and end."""
        prev, cur = edges[:-1], edges[1:]
        flags = self.edge_flags
        begins = (flags[cur] & ~flags[prev]).astype(bool) | self.start_flag[cur]
        angle = (head_start[1:] - head_end[:-1] + 180) % 360 - 180
        named = self.name_code[cur]
        choice = (np.abs(angle) >= STRAIGHT_BELOW_DEG - ANGLE_MARGIN_DEG) | \
            ((named != self.name_code[prev]) & (named >= 0))
        return np.flatnonzero(begins | self.start_junction[cur] & choice) + 1
