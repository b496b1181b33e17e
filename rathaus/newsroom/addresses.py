"""Absolute addresses of newsroom pages, for feeds, calendars and share links."""

from __future__ import annotations

from django.http import HttpRequest

from rathaus.offices.models import Office


def absolute(request: HttpRequest, office: Office, path: str) -> str:
    """``path`` on the office's public host if it has one, else on the host asked."""
    if office.public_base_url:
        return office.absolute_url(path)
    return request.build_absolute_uri(path)
