"""The two public pages, `@exempt` with their reason: the public notice (HTML and PDF) shows
only the whitelisted serializer's fields; the self-declaration form reads no registry data and
answers the same whether or not the person is registered."""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from zhenxing.accounts.access import exempt
from zhenxing.core.errors import DomainError
from zhenxing.core.ratelimit import rate_limited
from zhenxing.monitoring import notices, selectors, services
from zhenxing.monitoring.errors import MonitoringErrorCode
from zhenxing.monitoring.models import Notice
from zhenxing.monitoring.views._common import PDF, _file


def _public_notice(public_id: uuid.UUID) -> Notice:
    notice = selectors.notice_by_public_id(public_id)
    if notice is None:
        raise Http404
    return notice


@require_http_methods(["GET"])
@rate_limited("notice")
@exempt("public notice (公示): shows only the whitelisted serializer's fields (security.md D3)")
def public_notice_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    public = notices.notice_public(_public_notice(public_id))
    return render(request, "monitoring/notice_public.html", {"public": public, "id": public_id})


@require_http_methods(["GET"])
@rate_limited("notice")
@exempt("public notice (公示) as PDF: only the whitelisted serializer's fields")
def public_notice_pdf_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    public = notices.notice_public(_public_notice(public_id))
    return _file(notices.render_pdf(public), PDF, "notice.pdf")


@require_http_methods(["GET", "POST"])
@rate_limited("declaration")
@exempt("public self-declaration form: reads no registry data, answers alike for everyone")
def public_declare_view(request: HttpRequest) -> HttpResponse:
    """农户自主申报. CSRF-protected (Django's middleware), rate-limited per address, and the
    answer never says whether the person is registered nor echoes what was typed."""
    if request.method == "POST":
        try:
            receipt = services.declaration_receive(
                name=request.POST.get("name", ""),
                id_number=request.POST.get("id_number", ""),
                village_code=request.POST.get("village", ""),
                phone=request.POST.get("phone", ""),
                what_happened=request.POST.get("what_happened", ""),
                ip=request.META.get("REMOTE_ADDR") or "",
            )
        except DomainError as exc:
            status = 429 if exc.code is MonitoringErrorCode.RATE_LIMITED else 400
            return render(
                request,
                "monitoring/declare.html",
                {"error": exc, "villages": selectors.villages_by_town()},
                status=status,
            )
        return render(request, "monitoring/declared.html", {"reference": receipt.reference})
    return render(request, "monitoring/declare.html", {"villages": selectors.villages_by_town()})
