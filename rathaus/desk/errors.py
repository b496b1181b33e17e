"""Error pages of the desk (and of the login pages) in the desk's layout, so that a person at
work keeps the desk's navigation and language switch instead of a bare error page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

MESSAGES = {
    400: (
        _("The request could not be read"),
        _(
            "What your browser sent was incomplete or not in a form the desk can read. "
            "Go back, reload the page and try again."
        ),
    ),
    # A form sent without a valid CSRF token: mostly a page left open past the session's
    # end, or cookies blocked (the desk needs its session cookie).
    "csrf": (
        _("The form could not be sent"),
        _(
            "For your protection, a form is only accepted from a page that is still valid. "
            "The page was probably open for too long (for example after you were logged "
            "out), or your browser blocks cookies for this site. Go back, copy your text, "
            "reload the page, and send the form again."
        ),
    ),
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


def page(
    request: HttpRequest, status: int, about: int | str | None = None, **context
) -> HttpResponse:
    """The desk's error page for ``status``; ``about`` picks another text than the
    status's own (``"csrf"``), ``context`` adds what the page shows below it."""
    heading, message = MESSAGES[about or status]
    context |= {"status": status, "heading": heading, "message": message}
    return render(request, "desk/error.html", context, status=status)
