"""A URL configuration with one view that declares neither @scoped nor @exempt (test_access)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from zhenxing.accounts.access import exempt


def forgotten_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("rows nobody scoped")


@exempt("a health probe; reads no data")
def health_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [
    path("health/", health_view),
    path("forgotten/", forgotten_view),
]
