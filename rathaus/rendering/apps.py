from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RenderingConfig(AppConfig):
    name = "rathaus.rendering"
    verbose_name = _("Rendered pages")

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from rathaus.offices.models import Office, content_changed
        from rathaus.rendering import refresh

        content_changed.connect(refresh.office_changed, dispatch_uid="rendering-office")
        post_delete.connect(refresh.office_deleted, sender=Office, dispatch_uid="rendering-gone")
