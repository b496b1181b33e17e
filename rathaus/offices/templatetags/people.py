"""``{{ user|display_name }}``: a colleague as the desk names them (``offices.people``).

In ``offices``, the lowest app that knows people, so that the desk and every other app's
templates can load it."""

from __future__ import annotations

from django import template

from rathaus.offices import people

register = template.Library()


@register.filter
def display_name(user: object) -> str:
    return people.display_name(user)
