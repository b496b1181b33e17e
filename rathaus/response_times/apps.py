from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponseTimesConfig(AppConfig):
    name = "rathaus.response_times"
    verbose_name = _("Response-time targets")

    def ready(self) -> None:
        from rathaus.inbox.inbound import conversation_opened
        from rathaus.response_times import targets

        conversation_opened.connect(
            targets.on_conversation_opened, dispatch_uid="response_times.due_times"
        )
