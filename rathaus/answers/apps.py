from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnswersConfig(AppConfig):
    name = "rathaus.answers"
    verbose_name = _("Text templates and FAQ")
