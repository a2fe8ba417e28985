from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from zhenxing.audit import context
from zhenxing.core.proxy import FROM_TRUSTED_PROXY

_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


class RequestContextMiddleware:
    """Gives each request an id: a trusted proxy's well-formed X-Request-ID, else a new one.
    A client's own X-Request-ID is never taken (the proxy middleware also drops it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = (
            request.headers.get("X-Request-ID", "") if request.META.get(FROM_TRUSTED_PROXY) else ""
        )
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        token = context.bind(
            context.RequestContext(
                ip=request.META.get("REMOTE_ADDR") or None, request_id=request_id
            )
        )
        try:
            response = self.get_response(request)
        finally:
            context.unbind(token)
        response["X-Request-ID"] = request_id
        return response
