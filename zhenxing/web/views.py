"""Home page and region browser."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from zhenxing.accounts.access import scoped
from zhenxing.regions.selectors import (
    division_ancestors,
    division_children,
    division_get,
    division_roots,
)


@scoped()
def home_view(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"region": request.user.region})  # type: ignore[union-attr]


@scoped()
def regions_view(request: HttpRequest, code: str | None = None) -> HttpResponse:
    if code is None:
        roots = list(division_roots(request.user))
        if len(roots) == 1:
            return redirect("web:region", code=roots[0].code)
        return render(request, "web/regions.html", {"division": None, "children": roots})
    division = division_get(request.user, code)
    return render(
        request,
        "web/regions.html",
        {
            "division": division,
            "ancestors": [
                a for a in division_ancestors(division) if a.code.startswith(_scope_root(request))
            ],
            "children": division_children(request.user, division),
        },
    )


def _scope_root(request: HttpRequest) -> str:
    region = getattr(request.user, "region", None)
    return region.code if region is not None else ""
