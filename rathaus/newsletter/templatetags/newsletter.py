"""``{% newsletter_link office %}``: the newsroom footer's link to the subscription page,
shown only while the office's newsletter is switched on (switching it changes the office's
content version, so cached pages follow at once)."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from rathaus.newsletter.models import NewsletterSettings
from rathaus.offices.models import Office

register = template.Library()


@register.simple_tag
def newsletter_link(office: Office | None) -> str:
    if not isinstance(office, Office):
        return ""
    if not NewsletterSettings.objects.filter(office=office, enabled=True).exists():
        return ""
    url = reverse("newsletter:subscribe", args=[office.slug])
    return format_html('<li><a href="{}">{}</a></li>', url, _("Newsletter"))
