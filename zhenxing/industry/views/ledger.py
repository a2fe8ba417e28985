"""Ledger pages of the benefit chain: the trial balance, an entry, its reversal, pending
postings awaiting a second person.

Holds `ledger_view`, `entry_view`, `entry_reverse_view`, `pending_decide_view`.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhenxing.accounts.access import scoped
from zhenxing.accounts.models import User
from zhenxing.core.errors import DomainError
from zhenxing.industry import selectors
from zhenxing.industry.models import (
    Season,
)
from zhenxing.industry.views.base import DISTRICT, READERS, fail
from zhenxing.ledger import policies as ledger_policies
from zhenxing.ledger import selectors as ledger_selectors
from zhenxing.ledger.models import Entry, PendingEntry
from zhenxing.ledger.services import (
    entry_reverse_submit,
    pending_entry_approve,
    pending_entry_reject,
)


@scoped(*READERS)
def ledger_view(request: HttpRequest) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    books = selectors.books_of(actor)
    accounts = ledger_selectors.accounts_visible(books).exclude(balance=0)
    query = request.GET.get("q", "").strip()
    if query:
        accounts = accounts.filter(code__startswith=query)
    rows = ledger_selectors.trial_balance(books)
    return render(
        request,
        "industry/ledger.html",
        {
            "rows": rows,
            "total": sum((r.balance for r in rows), Decimal("0")),
            "page": Paginator(accounts.order_by("code"), 100).get_page(request.GET.get("page")),
            "pending": ledger_selectors.pending_visible(books).filter(status="pending")[:100],
            "entries": ledger_selectors.entries_visible(books).order_by("-id")[:30],
            "query": query,
            "can_approve": ledger_policies.can_approve(actor),
            "whole_county": bool(books.county_code),
        },
    )


@scoped(*READERS)
def entry_view(request: HttpRequest, pk: int) -> HttpResponse:
    books = selectors.books_of(request.user)
    entry = ledger_selectors.entry_get(books, pk)
    return render(
        request,
        "industry/entry.html",
        {
            "entry": entry,
            "postings": ledger_selectors.entry_postings(entry),
            "reversal": Entry.objects.filter(reverses=entry).first(),
            "can_reverse": ledger_policies.can_reverse(request.user) and entry.reverses_id is None,
        },
    )


@scoped(*DISTRICT)
@require_POST
def entry_reverse_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct an entry by its reversal; above the season's threshold a second person
    approves it on the ledger page (B6)."""
    actor: User = request.user  # type: ignore[assignment]
    books = selectors.books_of(actor)
    entry = ledger_selectors.entry_get(books, pk)
    season = Season.objects.filter(pk=entry.season_id).first() if entry.season_id else None
    try:
        result = entry_reverse_submit(
            actor=actor,
            entry=entry,
            memo=request.POST.get("memo", "")[:200],
            approval_threshold=season.approval_threshold if season else Decimal("0"),
            county_code=books.county_code,
        )
        if isinstance(result, PendingEntry):
            messages.info(request, _("Above the approval threshold: waiting for a second person."))
        else:
            messages.success(request, _("The entry has been reversed."))
    except DomainError as exc:
        fail(request, exc)
    return redirect("industry:entry", pk=entry.pk)


@scoped(*DISTRICT)
@require_POST
def pending_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    pending = ledger_selectors.pending_get(selectors.books_of(actor), pk)
    try:
        if request.POST.get("decision") == "reject":
            pending_entry_reject(actor=actor, pending=pending)
            messages.success(request, _("Rejected."))
        else:
            pending_entry_approve(actor=actor, pending=pending)
            messages.success(request, _("Approved and posted."))
    except DomainError as exc:
        fail(request, exc)
    return redirect("industry:ledger")
