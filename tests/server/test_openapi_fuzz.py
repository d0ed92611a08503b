"""Schemathesis over the whole API as an anonymous caller, a tester and staff member: no server
error, and every answer (status, media type, body, headers) is what the OpenAPI document says.

Bounded: a few examples per operation and role, so `make test` stays within minutes.
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from beacon_registry.tokens import create_token
from lotse_server.serve import build_app

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]
#: examples per operation and role (about 30 operations)
EXAMPLES = 6
# tester logs are JSON Lines: text on the wire
schemathesis.serializer.alias("application/x-ndjson", "text/plain")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served_app(request, tmp_path_factory, cc_network):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'registry.db'}"
    else:
        url = request.getfixturevalue("pg_url")
        request.getfixturevalue("reset_postgres")(url)
    app = build_app(database_url=url, network=cc_network)
    with app.state.registry.session_factory.begin() as session:
        app.state.fuzz_tokens = {
            "anonymous": {},
            **{role: {"Authorization": f"Bearer {create_token(session, role, f'{role}-fuzz')}"}
               for role in ("tester", "staff")},
        }
    with TestClient(app) as client:  # records the operations can find by id
        staff = app.state.fuzz_tokens["staff"]
        place = {"name": "Thalia", "lat": 49.4447, "lon": 7.77}
        assert client.post("/v1/staff/places", json=place, headers=staff).status_code == 201
        beacon = {"kind": "ibeacon", "uuid": "f7826da6-4fa2-4e98-8024-bc5b71e0893e",
                  "major": 1, "minor": 1, "lat": 49.4447, "lon": 7.77}
        assert client.post("/v1/staff/beacons", json=beacon, headers=staff).status_code == 201
    yield app
    app.state.registry.session_factory.kw["bind"].dispose()


@pytest.fixture(scope="module")
def api_schema(served_app):
    return schemathesis.openapi.from_asgi("/openapi.json", served_app)


def _fuzz(operation, headers: dict[str, str]) -> str | None:
    """`EXAMPLES` generated requests against one operation; the first failure, or None."""

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def run(case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        run()
    except (Exception, BaseExceptionGroup) as exc:  # schemathesis: one error per failed check
        return f"{operation.label}: {exc}"
    return None


@pytest.mark.parametrize("role", ["anonymous", "tester", "staff"])
def test_api_answers_as_documented(api_schema, served_app, role):
    headers = served_app.state.fuzz_tokens[role]
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 25
    failures = [f for f in (_fuzz(op, headers) for op in operations) if f]
    assert not failures, "\n\n".join(failures)
