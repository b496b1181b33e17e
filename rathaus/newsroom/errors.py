"""Error pages of the public site (400, 403, a refused form, 404, 410) in the newsroom's
layout: with the office's name, logo and navigation when the address names a known office,
in a neutral Rathaus layout otherwise. The URLconf picks this layout for every address
outside the desk."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from rathaus.offices.models import RESERVED_SLUGS, Office
from rathaus.posts.models import Category

# What each status tells a reader: a heading, and what happened and what to do.
MESSAGES = {
    400: (
        _("The request could not be read"),
        _(
            "The address or the form data was incomplete or not in a form this site can "
            "read. Please check the address, or go back, reload the page and try again."
        ),
    ),
    # A form sent without a valid CSRF token; public forms mostly need none, but a page
    # may come from a cache older than its form's token.
    "csrf": (
        _("The form could not be sent"),
        _(
            "For your protection, a form is only accepted from a page that is still valid. "
            "The page was probably open for too long, or your browser blocks cookies for "
            "this site. Go back, copy your text, reload the page, and send the form again."
        ),
    ),
    403: (
        _("Access denied"),
        _("You may not open this page."),
    ),
    404: (
        _("Page not found"),
        _(
            "There is no page at this address. It may have moved, or the address may be "
            "mistyped. The latest news and the search may help you find what you are "
            "looking for."
        ),
    ),
    410: (
        _("Page removed"),
        _("This page was removed on purpose and will not come back."),
    ),
}


def office_named_in(path: str) -> Office | None:
    """The office whose newsroom ``path`` lies in, if its first segment names one."""
    slug = path.split("/", 2)[1] if path.startswith("/") else ""
    if not slug or slug in RESERVED_SLUGS:
        return None
    return Office.objects.filter(slug=slug).first()


def page(
    request: HttpRequest,
    status: int,
    template: str = "error.html",
    about: int | str | None = None,
    **context,
) -> HttpResponse:
    """The public error page for ``status``; ``about`` picks another text than the
    status's own (``"csrf"``); ``context`` may add what a page of its own (the withdrawn
    post's) shows below the heading."""
    # path_info: without the language a reader chose in the address (newsroom.language).
    office = context.pop("office", None) or office_named_in(request.path_info)
    heading, message = MESSAGES[about or status]
    context |= {
        "office": office,
        "categories": list(Category) if office else [],
        "status": status,
        "heading": heading,
        "message": message,
    }
    return render(request, f"newsroom/{template}", context, status=status)
