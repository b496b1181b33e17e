from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "rathaus.desk"
    verbose_name = _("Editorial desk")
