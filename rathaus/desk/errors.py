"""Error pages of the desk (and of the login pages) in the desk's layout, so that a person at
work keeps the desk's navigation and language switch instead of a bare error page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

MESSAGES = {
    403: (
        _("Access denied"),
        _(
            "Your role in this office does not allow this step. An office admin can "
            "give you the role you need."
        ),
    ),
    404: (
        _("Page not found"),
        _("There is no page at this address, or it belongs to an office you are not a member of."),
    ),
}


def page(request: HttpRequest, status: int) -> HttpResponse:
    heading, message = MESSAGES[status]
    context = {"status": status, "heading": heading, "message": message}
    return render(request, "desk/error.html", context, status=status)
