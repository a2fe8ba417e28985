"""E6: the JSON API against its own OpenAPI schema (schemathesis), as every role and anonymously."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import ignored_auth, negative_data_rejection

from zhenxing.accounts.tests.factories import RegionTree, UserFactory, sign_in_verified
from zhenxing.core.roles import Role

ROLE_REGION = {
    Role.DISTRICT_STAFF: "county",
    Role.TOWN_STAFF: "town_a",
    Role.VILLAGE_OFFICER: "village_a1",
    Role.CADRE: "village_a1",
    Role.SUPERVISOR: "town_b",
    Role.COOP_CLERK: "village_a1",
    Role.ENTERPRISE_CLERK: None,
    Role.SYSTEM_ADMIN: None,
    Role.SECURITY_ADMIN: None,
    Role.AUDIT_ADMIN: None,
}


@pytest.fixture
def sessions(regions: RegionTree) -> Iterator[dict[str, str]]:
    """role → session cookie of a signed-in user of that role (second factor passed).

    While the test runs, the connection stays open across requests, as Django's test client
    arranges: the plain WSGI handler would close it at each request (it is not in autocommit
    inside the test's transaction), and with it the test's data on PostgreSQL. The test client
    used to sign in reconnects that handler after each of its requests, so this comes last.
    """
    cookies = {}
    for role, attr in ROLE_REGION.items():
        user = UserFactory.create(role=role, region=getattr(regions, attr) if attr else None)
        client = Client()
        if user.is_privileged:
            sign_in_verified(client, user)
        else:
            client.force_login(user)
        cookies[str(role)] = client.cookies["sessionid"].value
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield cookies
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# The schema as the server publishes it (the view holds no data and needs no database).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@schema.parametrize()
@settings(
    max_examples=6,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_conforms_to_its_schema_for_every_role(
    db: None, case: schemathesis.Case, sessions: dict[str, str]
) -> None:
    # Anonymously, every check schemathesis has: no 5xx, documented status codes, content types,
    # headers and bodies matching the schema, 401 without a valid session (ignored_auth), and
    # schema-violating requests refused.
    case.call_and_validate()
    # As each role, the same except the two checks that assume the generated (invalid) session:
    # the real session cookie replaces it, so a 200 is right.
    for cookie in sessions.values():
        case.call_and_validate(
            cookies={"sessionid": cookie}, excluded_checks=[ignored_auth, negative_data_rejection]
        )


def test_real_divisions_answer_as_documented_for_every_role(
    regions: RegionTree, sessions: dict[str, str]
) -> None:
    # Random codes almost never name a division: here every division of the tree (200 in scope,
    # 404 outside it) is checked against the schema as each role.
    operation = schema["/api/v1/regions/{code}"]["GET"]
    statuses = set()
    for division in regions.all:
        case = operation.Case(path_parameters={"code": division.code})
        for cookie in sessions.values():
            response = case.call_and_validate(
                cookies={"sessionid": cookie}, excluded_checks=[ignored_auth]
            )
            statuses.add(response.status_code)
    assert statuses == {200, 404}
