"""Department alert import pages: upload → guards → check (every row validated and matched) →
the report; the file is kept privately until the user commits or discards it (D5)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zhenxing.accounts.access import scoped
from zhenxing.core.errors import DomainError
from zhenxing.core.roles import Role
from zhenxing.core.uploads import (
    ALLOWED_SUFFIXES,
    MAX_BYTES,
    private_dir,
    remove_private,
    save_upload,
)
from zhenxing.monitoring import imports, policies, selectors
from zhenxing.monitoring.models import AlertSource
from zhenxing.monitoring.views._common import _error


def _alert_meta(key: uuid.UUID) -> dict[str, Any]:
    try:
        data = json.loads((private_dir(key, "alerts") / "meta.json").read_text("utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _alert_file(key: uuid.UUID) -> Path | None:
    for suffix in ALLOWED_SUFFIXES:
        path = private_dir(key, "alerts") / f"alerts{suffix}"
        if path.exists():
            return path
    return None


@require_http_methods(["GET", "POST"])
@scoped(Role.DISTRICT_STAFF)
def alerts_view(request: HttpRequest) -> HttpResponse:
    """Upload → guards → check (every row validated and matched) → the report; the file is
    kept privately until the user commits or discards it."""
    if not policies.can_import_alerts(request.user):
        raise PermissionDenied("alerts_import")
    context: dict[str, Any] = {
        "sources": AlertSource.choices,
        "imports": selectors.alert_imports_visible(request.user)[:20],
        "max_mb": MAX_BYTES // (1024 * 1024),
    }
    if request.method == "POST":
        upload = request.FILES.get("file")
        source = request.POST.get("source", "")
        if upload is None:
            messages.error(request, _("Choose a file to upload."))
            return render(request, "monitoring/alerts.html", context)
        suffix = Path(upload.name or "").suffix.lower()
        key = uuid.uuid4()
        folder = private_dir(key, "alerts")
        path = folder / f"alerts{suffix if suffix in ALLOWED_SUFFIXES else '.bin'}"
        try:
            save_upload(upload.chunks(), path)
            report, _matched = imports.alerts_check(
                path, actor=request.user, source=source, name=upload.name
            )
            (folder / "meta.json").write_text(
                json.dumps({"user": request.user.pk, "source": source,
                            "name": (upload.name or "")[:120]}),
                "utf-8",
            )  # fmt: skip
        except DomainError as exc:
            remove_private(folder)
            _error(request, exc)
            return render(request, "monitoring/alerts.html", context)
        context.update({"report": report, "key": key, "summary": report.summary()})
    return render(request, "monitoring/alerts.html", context)


@require_POST
@scoped(Role.DISTRICT_STAFF)
def alerts_commit_view(request: HttpRequest, key: uuid.UUID) -> HttpResponse:
    meta = _alert_meta(key)
    path = _alert_file(key)
    if meta.get("user") != request.user.pk or path is None:
        raise Http404
    try:
        if request.POST.get("discard") == "1":
            messages.info(request, _("The uploaded file was deleted."))
            return redirect("monitoring:alerts")
        report = imports.alerts_import(
            path,
            actor=request.user,
            source=str(meta.get("source", "")),
            commit=True,
            skip_invalid=request.POST.get("skip_invalid") == "1",
            name=str(meta.get("name", "")),
        )
        messages.success(request, _("%(n)s leads were created.") % {"n": report.leads_created})
    except imports.AlertRefused as exc:
        messages.error(request, exc.error.message)
    except DomainError as exc:
        _error(request, exc)
    finally:
        remove_private(private_dir(key, "alerts"))  # D5: the file goes whatever happened
    return redirect("monitoring:alerts")
