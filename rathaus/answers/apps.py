from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnswersConfig(AppConfig):
    name = "rathaus.answers"
    verbose_name = _("Text templates and FAQ")

    def ready(self) -> None:
        from django.urls import reverse

        from rathaus.rendering import pages

        # The public FAQ is rendered ahead with the office's other pages.
        pages.register(standing=lambda office: [reverse("answers:faq", args=[office.slug])])
