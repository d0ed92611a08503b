"""`lotse walk --leave-route-at`: the walker turns off *at* the junction the leave is timed from.

On these routes the first street the detour used to take from the junction was the route's own
next edge: the walker then followed the route for another 6–20 m before really leaving, and
"told within 15 s of the junction" was timed from a junction they had walked straight through.
"""

from __future__ import annotations

import numpy as np
import pytest

from mobile.guidance.active_route import ActiveRoute
from mobile.simulation.detour import ON_ROUTE_M, wrong_turn

ROUTES = [("Fackelbrunnen", "Stiftsplatz"), ("Marktplatz", "Eisenbahnstraße"),
          ("Fruchthalle", "Kerststraße")]


@pytest.mark.parametrize(("a", "b"), ROUTES)
def test_the_detour_leaves_the_route_at_its_junction(a, b, router, place_of, when, cc_network):
    body = router.route(place_of(a), place_of(b), when=when).to_dict()
    route = ActiveRoute(body, None).line
    detour = wrong_turn(cc_network, route, 0.4 * float(body["distance_m"]))
    path = detour.path
    # up to the junction the walker is on the route; 5 m of path later clearly off it
    before = [route.project(*path.xy_at(s))[1]
              for s in np.arange(0.0, detour.junction_m - 2.0, 5.0)]
    assert max(before) <= ON_ROUTE_M
    start = path.project(*route.xy_at(detour.junction_m))[0]
    assert route.project(*path.xy_at(start + 5.0))[1] > ON_ROUTE_M
