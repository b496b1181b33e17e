from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsroomConfig(AppConfig):
    name = "rathaus.newsroom"
    verbose_name = _("Newsroom")

    def ready(self) -> None:
        from rathaus.delivery import channels
        from rathaus.newsroom.channel import NewsroomChannel

        channels.register(NewsroomChannel())
