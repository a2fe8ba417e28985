"""B2: every view is marked @scoped or @exempt, and the walker that checks it really looks."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.http import HttpRequest, HttpResponse
from django.test import override_settings
from django.urls import include, path
from django.views import View
from ninja import NinjaAPI

from zhenxing.accounts.access import exempt, scoped, unclassified_views
from zhenxing.web.api import api_scoped


def test_every_view_of_the_real_urlconf_is_classified() -> None:
    assert unclassified_views() == []


def plain_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


class PlainView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse()


@scoped()
def marked_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


@exempt("test: reads nothing")
class MarkedView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse()


def _api_with_one_unmarked_operation() -> NinjaAPI:
    api = NinjaAPI(urls_namespace=f"test-unmarked-{uuid.uuid4().hex}", openapi_url=None)

    @api.get("/leak")
    def leak(request: HttpRequest) -> dict[str, Any]:
        return {}

    @api.get("/fine")
    @api_scoped
    def fine(request: HttpRequest) -> dict[str, Any]:
        return {}

    return api


def test_the_walker_reports_unmarked_views_and_api_operations() -> None:
    # given patterns mixing marked and unmarked views, plain and class-based, and an API
    api = _api_with_one_unmarked_operation()
    patterns = [
        path("plain/", plain_view),
        path("plain-class/", PlainView.as_view()),
        path("marked/", marked_view),
        path("marked-class/", MarkedView.as_view()),
        path("nested/", include([path("deeper/", plain_view)])),
        path("api/", api.urls),
    ]

    # when
    reported = unclassified_views(patterns)

    # then exactly the unmarked ones, each with its route (ninja's own root page included)
    routes = sorted(entry.split(" [")[0] for entry in reported)
    assert routes == ["api/", "api/leak", "nested/deeper/", "plain-class/", "plain/"]
    assert any(e.startswith("api/leak [") and e.endswith(".leak]") for e in reported)


def test_manage_py_check_fails_on_an_unmarked_view() -> None:
    with (
        override_settings(ROOT_URLCONF="zhenxing.web.tests.unmarked_urls"),
        pytest.raises(SystemCheckError) as caught,
    ):
        call_command("check")

    message = str(caught.value)
    assert "zhenxing.E001" in message
    assert "forgotten/" in message
    assert "health/" not in message


def test_manage_py_check_passes_on_the_real_urlconf() -> None:
    call_command("check")
