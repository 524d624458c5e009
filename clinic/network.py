"""The address a request came from."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The client's own address. Behind the documented TLS proxy (SECURE_PROXY_SSL_HEADER on),
    that is the last address in X-Forwarded-For: the one the proxy itself added. Earlier
    entries come from the client and could be forged, so they are never used."""
    address = request.META.get("REMOTE_ADDR")
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            address = hops[-1]
    return valid_address(address)


def valid_address(value: str | None) -> str | None:
    """`value` if it is an IP address, else None: an address column refuses anything else."""
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None
