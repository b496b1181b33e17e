from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "rathaus.mail"
    verbose_name = _("Email")

    def ready(self) -> None:
        from rathaus.delivery import channels
        from rathaus.mail.channel import EmailChannel

        channels.register(EmailChannel())
