from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "rathaus.federation"
    verbose_name = _("Fediverse")
