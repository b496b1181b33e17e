from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitizenDataConfig(AppConfig):
    """Data-subject requests (Art. 15 and 17 GDPR). They reach into the inbox and the
    channels that keep citizens' data of their own (the Fediverse's followers), so they sit
    above all of them."""

    name = "rathaus.citizen_data"
    verbose_name = _("Data-subject requests")
