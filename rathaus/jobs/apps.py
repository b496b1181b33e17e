from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "rathaus.jobs"
    label = "jobs"
    verbose_name = _("Background work")

    def ready(self) -> None:
        # Each app declares its kinds of work in its own ``background`` module, as Huey finds
        # ``tasks``: the engine never imports an app, so it stays the lowest one in the house.
        autodiscover_modules("background")
