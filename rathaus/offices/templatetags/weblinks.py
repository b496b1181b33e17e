"""``{{ value|web_url }}``: a link from outside data (a message's original, a platform's
post) only if it is http(s), else nothing. Every ``href`` built from stored outside data
goes through it, so a ``javascript:`` address that slipped into the database (before the
inbox checked links, or through code that forgot to) never becomes a link.

In ``offices``, the lowest app, so that the desk, the newsroom and every other app's
templates can load it without depending on each other."""

from __future__ import annotations

from django import template

from rathaus.lib import weburls

register = template.Library()


@register.filter
def web_url(value: object) -> str:
    return weburls.web_url(value)
