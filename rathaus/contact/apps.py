from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactConfig(AppConfig):
    name = "rathaus.contact"
    verbose_name = _("Contact form")

    def ready(self) -> None:
        from rathaus.contact.channel import ContactChannel
        from rathaus.delivery import channels

        channels.register(ContactChannel())

        from django.urls import reverse

        from rathaus.rendering import pages

        # The netiquette is a standing page; the form itself stays dynamic (its token).
        pages.register(standing=lambda office: [reverse("contact:netiquette", args=[office.slug])])
