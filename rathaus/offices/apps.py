from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OfficesConfig(AppConfig):
    name = "rathaus.offices"
    verbose_name = _("Offices")

    def ready(self) -> None:
        from rathaus.offices import login_policy

        login_policy.share_allauth_state()
        post_migrate.connect(login_policy.create_cache_tables, sender=self)
        user_logged_in.connect(login_policy.login_started)
