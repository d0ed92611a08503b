"""One simulated walk per session, logged, and its replay with report."""

from __future__ import annotations

import pytest

from .walklog import DESTINATION, ORIGIN, Walk, simulate


@pytest.fixture(scope="session")
def walk_route(cc_network) -> dict:
    from routing_service.router import Router

    return Router(cc_network).route(origin=ORIGIN, destination=DESTINATION, profile="blind",
                                    lang="de").to_dict()


@pytest.fixture(scope="session")
def walk(walk_route, tmp_path_factory) -> Walk:
    return simulate(tmp_path_factory.mktemp("walk") / "trip.jsonl", walk_route)


@pytest.fixture(scope="session")
def replayed(walk, tmp_path_factory):
    """The walk replayed once with its plan and reported: (ReplayData, ReportSummary)."""
    from tester_log.review.replay import replay
    from tester_log.review.report import write_report

    data = replay(walk.log, plan_path=walk.plan_path)
    return data, write_report(tmp_path_factory.mktemp("report"), data)
