from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConnectorsConfig(AppConfig):
    name = "rathaus.connectors"
    verbose_name = _("Platform connectors")

    def ready(self) -> None:
        from rathaus.connectors import family
        from rathaus.connectors.follow_links import platform_accounts
        from rathaus.delivery import channels
        from rathaus.lib import follow_links

        channels.register_family(family.ACCOUNTS)
        follow_links.register("platforms", platform_accounts)
        # Import the platform modules (and their clients: atproto alone takes over a second)
        # at start-up, not in the first web request that names a platform.
        family.connectors()
