"""Rendering a desk page: adds what the header needs (the user's offices, their roles)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from rathaus.offices.access import inbox_roles, offices_of, roles_in
from rathaus.offices.models import Role


def page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    office = context.get("office")
    roles = roles_in(request.user, office) if office is not None else set()  # one query
    context = {
        "desk_offices": offices_of(request.user),
        "may_write": Role.EDITOR in roles,
        "may_administer": Role.ADMIN in roles,
        # Approvers publish the FAQ entries agents suggest (office admins find it in Settings).
        "may_approve_faq": Role.APPROVER in roles and Role.ADMIN not in roles,
        "may_read_inbox": office is not None and bool(roles & set(inbox_roles(office))),
        **context,
    }
    return render(request, template, context, status=status)


def see_other(name: str, office: Any) -> HttpResponse:
    """After a POST: the office's desk page ``name`` (303, so a reload does not post again)."""
    response = HttpResponseRedirect(reverse(name, args=[office.slug]))
    response.status_code = 303
    return response
