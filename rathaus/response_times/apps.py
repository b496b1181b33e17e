from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponseTimesConfig(AppConfig):
    name = "rathaus.response_times"
    verbose_name = _("Response-time targets")

    def ready(self) -> None:
        from rathaus.inbox import inbound, work
        from rathaus.response_times import targets

        # The inbox sits below response-time targets and knows nothing of them: it tells
        # what happened to a conversation, the targets set its due times.
        inbound.conversation_opened.connect(
            targets.on_conversation_opened, dispatch_uid="response_times.due_times"
        )
        inbound.conversations_opening.connect(
            targets.on_conversations_opening, dispatch_uid="response_times.due_times_bulk"
        )
        work.category_changed.connect(
            targets.on_category_changed, dispatch_uid="response_times.recount"
        )
