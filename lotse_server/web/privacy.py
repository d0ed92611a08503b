"""Keep the planner's trip ends out of the access log.

A shared route link carries its start and destination in the query string (so it works without
JavaScript and can be printed); the server's access log must not turn that into a record of who
wanted to walk where. This filter cuts the query string from logged requests of the planner.
"""

from __future__ import annotations

import logging

#: paths whose query strings name places someone wants to walk between
PRIVATE_QUERY_PATHS = ("/", "/console")


class DropPlannerQuery(logging.Filter):
    """For uvicorn's access records (client, method, path, version, status): path without query."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            path, _, query = args[2].partition("?")
            if query and path in PRIVATE_QUERY_PATHS:
                record.args = (*args[:2], f"{path}?…", *args[3:])
        return True


def install() -> None:
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, DropPlannerQuery) for f in access.filters):
        access.addFilter(DropPlannerQuery())
