"""The OpenAPI document names the real error body, every status and the upload/file media types."""

from __future__ import annotations

import pytest


@pytest.fixture
def doc(client) -> dict:
    return client.get("/openapi.json").json()


def _ref(response: dict) -> str:
    return response["content"]["application/json"]["schema"]["$ref"]


def test_errors_are_documented_as_served(doc):
    schemas = doc["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert schemas["Error"]["required"] == ["detail"]
    op = doc["paths"]["/v1/staff/beacons"]["post"]
    assert {"400", "401", "403", "409", "413", "422", "500", "503"} <= set(op["responses"])
    assert _ref(op["responses"]["422"]) == "#/components/schemas/Error"
    assert _ref(op["responses"]["503"]) == "#/components/schemas/Busy"
    assert "Retry-After" in op["responses"]["503"]["headers"]
    public = doc["paths"]["/v1/places/near"]["get"]["responses"]
    assert "401" not in public and {"413", "422", "500", "503"} <= set(public)
    assert "429" in doc["paths"]["/v1/sightings"]["post"]["responses"]
    assert "304" in doc["paths"]["/v1/bundle"]["get"]["responses"]


def test_uploads_and_files_have_their_media_types(doc):
    upload = doc["paths"]["/v1/staff/{kind}/import"]["post"]["requestBody"]["content"]
    assert set(upload) == {"text/csv", "application/geo+json", "application/json"}
    log = doc["paths"]["/v1/tester/logs"]["post"]["requestBody"]["content"]
    assert set(log) == {"application/x-ndjson"}
    export = doc["paths"]["/v1/staff/{kind}/export"]["get"]["responses"]["200"]["content"]
    assert set(export) == {"text/csv", "application/geo+json"}


def test_served_statuses_match_the_document(client, doc, auth):
    """A few real answers, each with a status the document lists for its operation."""
    cases = [
        ("post", "/v1/staff/places", "/v1/staff/places", {}, 401),
        ("get", "/v1/staff/places/2147483648", "/v1/staff/places/{obj_id}", auth("staff"), 422),
        ("get", "/v1/staff/places/77", "/v1/staff/places/{obj_id}", auth("staff"), 404),
        ("get", "/v1/staff/places", "/v1/staff/places", auth("tester"), 403),
    ]
    speech = {"text": "Heute Rabatt", "kind": "offer", "place_id": 999_999}
    cases.append(("post", "/console/api/speech", "/console/api/speech", auth("staff"), 404))
    for method, url, path, headers, status in cases:
        body = speech if url.endswith("speech") else None
        r = client.request(method, url, headers=headers, json=body)
        assert r.status_code == status, (url, r.text)
        assert str(status) in doc["paths"][path][method]["responses"]
        assert r.json()["detail"]
