"""Absolute addresses of newsroom pages, for feeds, calendars and share links."""

from __future__ import annotations

from django.http import HttpRequest

from rathaus.offices.models import Office


def absolute(request: HttpRequest, office: Office, path: str) -> str:
    """``path`` on the office's public host if it has one, else on the host asked."""
    return office.public_url(path, request=request)
