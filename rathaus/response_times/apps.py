from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponseTimesConfig(AppConfig):
    name = "rathaus.response_times"
    verbose_name = _("Response-time targets")
