from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "rathaus.federation"
    verbose_name = _("Fediverse")

    def ready(self) -> None:
        from rathaus.delivery import channels
        from rathaus.federation.channel import FediverseChannel

        channels.register(FediverseChannel())
