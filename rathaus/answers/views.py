"""The office's public FAQ page on the newsroom: published entries only, cached and without
cookies or scripts like every newsroom page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from rathaus.answers.models import FaqEntry
from rathaus.newsroom import caching
from rathaus.offices.models import Office
from rathaus.posts.models import Category


@require_safe
@caching.office_page
def faq(request: HttpRequest, slug: str) -> HttpResponse:
    office = get_object_or_404(Office, slug=slug)
    entries = FaqEntry.objects.published().filter(office=office)
    context = {"office": office, "categories": list(Category), "entries": entries}
    return render(request, "answers/faq.html", context)
