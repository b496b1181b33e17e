"""Error pages of the public site (404, 403, 410) in the newsroom's layout: with the office's
name, logo and navigation when the address names a known office, in a neutral Rathaus layout
otherwise. The URLconf picks this layout for every address outside the desk."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from rathaus.offices.models import RESERVED_SLUGS, Office
from rathaus.posts.models import Category

# What each status tells a reader: a heading, and what happened and what to do.
MESSAGES = {
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
    request: HttpRequest, status: int, template: str = "error.html", **context
) -> HttpResponse:
    """The public error page for ``status``; ``context`` may add what a page of its own
    (the withdrawn post's) shows below the heading."""
    office = context.pop("office", None) or office_named_in(request.path)
    heading, message = MESSAGES[status]
    context |= {
        "office": office,
        "categories": list(Category) if office else [],
        "status": status,
        "heading": heading,
        "message": message,
    }
    return render(request, f"newsroom/{template}", context, status=status)
