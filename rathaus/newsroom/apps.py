from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsroomConfig(AppConfig):
    name = "rathaus.newsroom"
    verbose_name = _("Newsroom")

    def ready(self) -> None:
        from rathaus.delivery import channels
        from rathaus.newsroom.channel import NewsroomChannel

        channels.register(NewsroomChannel())

        from rathaus.newsroom import caching
        from rathaus.offices.models import content_changed

        content_changed.connect(caching.forget_version, dispatch_uid="newsroom-page-cache")

        from rathaus.newsroom import rendered
        from rathaus.rendering import pages

        pages.register(
            site=rendered.site,
            lists=rendered.lists,
            standing=rendered.standing,
            post=rendered.post,
            tag=rendered.tag,
        )
