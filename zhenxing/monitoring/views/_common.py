"""What every monitoring page shares: the role groups, page size, file types, the message for
a refused input, region names and file answers."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse

from zhenxing.core.errors import DomainError
from zhenxing.core.roles import Role
from zhenxing.core.timeutil import business_today
from zhenxing.monitoring import selectors

STAFF = (Role.DISTRICT_STAFF, Role.TOWN_STAFF, Role.VILLAGE_OFFICER, Role.CADRE, Role.SUPERVISOR)
OFFICE = (Role.DISTRICT_STAFF, Role.TOWN_STAFF, Role.VILLAGE_OFFICER)
PAGE_SIZE = 50
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _today() -> date:
    return business_today()


def _error(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, exc.message)


def _names(codes: list[str]) -> dict[str, str]:
    return selectors.region_names(codes)


def _file(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    response["Cache-Control"] = "no-store"
    return response
