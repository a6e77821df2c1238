"""Fuzz every API operation with schemathesis, as each role, on demo-like data: no answer may be a 5xx.

Schemathesis reads the project's own OpenAPI schema (drf-spectacular) and generates a few
requests per operation, valid and invalid; every route is also asked OPTIONS and HEAD.
Requests go through Django's test client (one database, one set of fixtures), which keeps
the whole run under two minutes. Deselect locally with ``-m "not fuzz"``.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from rest_framework.test import APIClient

from tests.coordination.factories import make_world

pytestmark = [pytest.mark.fuzz]

ROLES = ("officer", "bureau", "provider", "volunteer")
EXAMPLES = 3
METHODS_WITH_BODY = {"POST", "PUT", "PATCH"}
# Known, owned elsewhere: matching's proposal and run viewsets have no serializer_class, so
# DRF's OPTIONS metadata asserts (issue 11). The matching rewrite fixes them; then delete this.
KNOWN = re.compile(r"^\w+ OPTIONS /api/v1/matching/(proposals|mentor-proposals|runs)/")


def _send(client: APIClient, method: str, path: str, query: dict | None, body, headers: dict | None):
    kwargs: dict = {}
    if query:
        kwargs["QUERY_STRING"] = urlencode(query, doseq=True)
    for name, value in (headers or {}).items():
        if name.lower() not in {"content-type", "content-length", "host", "cookie"}:
            kwargs["HTTP_" + name.upper().replace("-", "_")] = str(value)
    data = ""
    if method in METHODS_WITH_BODY and body is not None and type(body).__name__ != "NotSet":
        data = json.dumps(body, default=str)
    return client.generic(method, path, data, content_type="application/json", **kwargs)


@pytest.fixture
def clients(db):
    world = make_world()
    out = {}
    for role in ROLES:
        client = APIClient(raise_request_exception=False)
        client.force_authenticate(world.users[role])
        out[role] = client
    return world, out


def test_no_operation_answers_a_server_error_for_any_role(clients):
    world, by_role = clients
    # The schema the site serves, generated in-process (the /api/schema/ page itself asks for
    # a signed-in session, which force_authenticate does not give a Django view).
    document = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(json.loads(json.dumps(document, default=str)))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20
    failures: list[str] = []

    def probe_for(role: str, client: APIClient, operation):
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def probe(case):
            response = _send(client, case.method.upper(), case.formatted_path, case.query, case.body, case.headers)
            if response.status_code >= 500:
                failures.append(f"{role} {case.method.upper()} {case.formatted_path} {case.query} -> 500")

        return probe

    for role, client in by_role.items():
        for operation in operations:
            probe_for(role, client, operation)()

    # OPTIONS and HEAD on every route, with an id that exists where the route takes one.
    ids = {"uuid": str(world.supervisee.uuid), "id": str(world.need.pk), "pk": str(world.need.pk)}
    paths = {re.sub(r"\{(\w+)\}", lambda m: ids.get(m.group(1), "1"), op.path) for op in operations}
    for role, client in by_role.items():
        for path in sorted(paths):
            for method in ("OPTIONS", "HEAD"):
                response = client.generic(method, path)
                if response.status_code >= 500:
                    failures.append(f"{role} {method} {path} -> {response.status_code}")
    failures = [f for f in failures if not KNOWN.match(f)]
    assert not failures, "\n".join(sorted(set(failures)))
