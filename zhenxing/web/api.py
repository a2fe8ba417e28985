"""The JSON API (django-ninja). Session-authenticated; every operation is marked scoped."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI, Schema
from ninja.security import django_auth

from zhenxing.accounts.access import ACCESS_ATTR
from zhenxing.audit.events import AuditEventType, Outcome
from zhenxing.audit.services import record
from zhenxing.core.errors import DomainError, NotInScope
from zhenxing.regions.selectors import division_children, division_get

api = NinjaAPI(
    title="振兴 Zhenxing API",
    version="1",
    auth=django_auth,
    urls_namespace="api",
    docs_url=None,  # the interactive docs page loads assets from a CDN; the schema stays
)


def api_scoped(view: Any) -> Any:
    """Marks an API operation as reading only through scoped selectors (auth is the API's)."""
    setattr(view, ACCESS_ATTR, ("scoped", ()))
    return view


class DivisionOut(Schema):
    code: str
    name: str
    level: str
    kind: str
    illustrative: bool


class DivisionTreeOut(DivisionOut):
    children: list[DivisionOut]


class ErrorOut(Schema):
    """What a refusal carries: 401 without a session, 404 for anything outside the scope."""

    detail: str


# Documented on every operation, so a client (and schemathesis, E6) knows every answer it gets.
UNAUTHORISED: dict[int, type[Schema]] = {401: ErrorOut}
NOT_FOUND: dict[int, type[Schema]] = {404: ErrorOut}


class MeOut(Schema):
    username: str
    role: str
    region: str | None


@api.get("/me", response={200: MeOut, **UNAUTHORISED}, summary="当前用户 Current user")
@api_scoped
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    assert user.is_authenticated  # noqa: S101 — django_auth has admitted only signed-in users
    return {
        "username": user.username,
        "role": user.role,
        "region": user.region.code if user.region else None,
    }


@api.get(
    "/regions/{code}",
    response={200: DivisionTreeOut, **UNAUTHORISED, **NOT_FOUND},
    summary="区划及下级 Division and children",
)
@api_scoped
def region(request: HttpRequest, code: str) -> dict[str, Any]:
    division = division_get(request.user, code)
    return {
        "code": division.code,
        "name": division.name,
        "level": division.level,
        "kind": division.kind,
        "illustrative": division.illustrative,
        "children": list(division_children(request.user, division)),
    }


@api.exception_handler(NotInScope)
def _not_in_scope(request: HttpRequest, exc: NotInScope) -> Any:
    record(
        AuditEventType.SCOPE_DENIED,
        actor=request.user,
        object_type=exc.object_type,
        object_id=exc.object_ref,
        outcome=Outcome.DENIED,
        detail={"path": request.path[:200]},
    )
    return api.create_response(request, {"detail": "未找到 / Not found"}, status=404)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> Any:
    return api.create_response(request, {"detail": exc.message, "error": exc.as_dict()}, status=400)


def api_urls() -> tuple[list[Any], str, str]:
    """The API's URL patterns, with its schema views declared exempt (they hold no data)."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if not hasattr(pattern.callback, "__closure__"):  # functools.partial schema views
            setattr(pattern.callback, ACCESS_ATTR, ("exempt", "the API's own description"))
    return patterns, app_name, namespace
