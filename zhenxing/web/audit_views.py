"""The audit administrator's view of the trail and its verification (moved here from the audit
app, so that `audit` imports no other app)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zhenxing.accounts.access import scoped
from zhenxing.audit.events import AuditEventType, Outcome
from zhenxing.audit.models import AuditEvent
from zhenxing.audit.services import record, verify_chain
from zhenxing.core.roles import Role
from zhenxing.web.audit_display import audit_rows, event_label


@scoped(Role.AUDIT_ADMIN)
def audit_list_view(request: HttpRequest) -> HttpResponse:
    events = AuditEvent.objects.order_by("-seq")
    event = request.GET.get("event", "")
    if event:
        events = events.filter(event=event)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    problems = None
    if request.method == "POST":
        problems = verify_chain()
        record(
            AuditEventType.AUDIT_VERIFY,
            actor=request.user,
            outcome=Outcome.OK if not problems else Outcome.FAILED,
            detail={"problems": len(problems)},
        )
    return render(
        request,
        "web/audit.html",
        {
            "page": page,
            "rows": audit_rows(page),
            "event": event,
            "event_types": [(e.value, event_label(e.value)) for e in AuditEventType],
            "problems": problems,
        },
    )
