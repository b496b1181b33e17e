"""``{% language_choices as languages %}``: the page in every language, for the newsroom's
language switch and its ``hreflang`` alternates (``newsroom.language``).

The alternates are addresses on this host without scheme and host: public pages name no
host at all outside the canonical link (tests/newsroom/test_no_tracking.py), and behind
an office's public host the path is the same."""

from __future__ import annotations

from django import template

from rathaus.newsroom import language

register = template.Library()


@register.simple_tag(takes_context=True)
def language_choices(context: template.Context) -> dict:
    request = context.get("request")
    if request is None:
        return {"choices": [], "default": ""}
    return {"choices": language.choices(request), "default": language.unprefixed_path(request)}
