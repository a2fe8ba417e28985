"""The client's address and scheme behind a TLS reverse proxy (security.md R4).

`TrustedProxyMiddleware` runs first. When the peer is one of `ZHENXING_TRUSTED_PROXIES`
(addresses or networks), the client is the right-most `X-Forwarded-For` hop that is not itself
a trusted proxy, and `X-Forwarded-Proto` says whether the client spoke HTTPS (Django's
`SECURE_PROXY_SSL_HEADER` reads it, so `ZHENXING_SECURE=1` does not redirect to itself). From
any other peer these headers, and `X-Request-ID`, are removed: a client cannot choose the
address that audit rows and rate limits see, nor its request id.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# Set in request.META when the request came through a trusted proxy.
FROM_TRUSTED_PROXY = "zhenxing.from_trusted_proxy"
_PROXY_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_FORWARDED",
    "HTTP_X_REQUEST_ID",
)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(configured: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in configured)


def trusted_networks() -> tuple[Network, ...]:
    configured: Iterable[str] = settings.ZHENXING_TRUSTED_PROXIES
    return _networks(tuple(configured))


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def is_trusted(text: str) -> bool:
    address = _address(text)
    return address is not None and any(address in net for net in trusted_networks())


def client_address(peer: str, forwarded_for: str) -> str:
    """The right-most hop not among the trusted proxies; a malformed hop ends the walk."""
    client = peer
    for hop in reversed([h for h in forwarded_for.split(",") if h.strip()]):
        address = _address(hop)
        if address is None:
            break
        client = str(address)
        if not is_trusted(client):
            break
    return client


class TrustedProxyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        peer = str(meta.get("REMOTE_ADDR") or "")
        if is_trusted(peer):
            meta["REMOTE_ADDR"] = client_address(peer, str(meta.get("HTTP_X_FORWARDED_FOR", "")))
            proto = str(meta.get("HTTP_X_FORWARDED_PROTO", "")).split(",")[0].strip().lower()
            if proto in ("http", "https"):
                meta["HTTP_X_FORWARDED_PROTO"] = proto
            else:
                meta.pop("HTTP_X_FORWARDED_PROTO", None)
            meta[FROM_TRUSTED_PROXY] = True
        else:
            for name in _PROXY_HEADERS:
                meta.pop(name, None)
            meta[FROM_TRUSTED_PROXY] = False
        return self.get_response(request)
