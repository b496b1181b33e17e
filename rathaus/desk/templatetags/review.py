"""Template filters of the review flow's pages."""

from __future__ import annotations

from django import template

from rathaus.desk import outgoing
from rathaus.desk.counters import Counter
from rathaus.posts.models import Post

register = template.Library()


@register.filter
def for_correction(counters: list[Counter], post: Post) -> outgoing.CorrectionPreview:
    """The correction page's preview: ``counters`` split into the channels a correction
    changes and those that keep the old text (``outgoing.for_correction``)."""
    return outgoing.for_correction(counters, post)
