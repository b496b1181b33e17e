from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "rathaus.federation"
    verbose_name = _("Fediverse")

    def ready(self) -> None:
        from rathaus.delivery import channels
        from rathaus.federation.channel import FediverseChannel
        from rathaus.federation.follow_links import fediverse_accounts
        from rathaus.lib import follow_links

        channels.register(FediverseChannel())
        follow_links.register("fediverse", fediverse_accounts)
