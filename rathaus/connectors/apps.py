from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConnectorsConfig(AppConfig):
    name = "rathaus.connectors"
    verbose_name = _("Platform connectors")

    def ready(self) -> None:
        from rathaus.connectors import family
        from rathaus.delivery import channels

        channels.register_family(family.ACCOUNTS)
