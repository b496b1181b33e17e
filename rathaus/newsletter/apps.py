"""Registers the newsletter as a delivery channel."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "rathaus.newsletter"
    verbose_name = _("Newsletter")

    def ready(self) -> None:
        from rathaus.delivery import channels
        from rathaus.newsletter.channel import NewsletterChannel

        channels.register(NewsletterChannel())
