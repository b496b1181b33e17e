"""The short text of a post in the newsroom's lists."""

from __future__ import annotations

from django import template
from django.utils.text import Truncator

from rathaus.lib import richtext

register = template.Library()

TEASER_WORDS = 40


@register.filter
def teaser(rendered: str, words: int = TEASER_WORDS) -> str:
    """A post's rendered text as plain text of at most ``words`` words, list items apart
    (autoescaped by the template like any text)."""
    return Truncator(richtext.excerpt(rendered)).words(words)
