"""Rendering a desk page: adds what the header needs (the user's offices, their roles)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rathaus.offices.access import has_role, offices_of
from rathaus.offices.models import Role


def page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    office = context.get("office")
    context = {
        "desk_offices": offices_of(request.user),
        "may_write": office is not None and has_role(request.user, office, Role.EDITOR),
        "may_administer": office is not None and has_role(request.user, office, Role.ADMIN),
        **context,
    }
    return render(request, template, context, status=status)
