"""Background jobs of the citizen inbox."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

log = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="2", minute="30"))
def anonymise_expired_conversations() -> int:
    """Daily, at night (UTC): closed conversations past their office's retention period."""
    from rathaus.inbox import retention

    return retention.anonymise_expired()


@db_task()
def moderate_on_channel(message_id: int, action: str, reason: str = "") -> str | None:
    """Do on the platform what ``work.moderate`` decided about a comment, once, outside
    the web request (a slow platform must not hold a web worker or a database lock).
    The channel logs a refusal; the inbox keeps its decision either way.

    Hiding, showing again and deleting follow the comment's state *now*, not ``action``:
    of two decisions taken close together the later must win, whichever task runs first.
    A report is an act of its own and goes out as queued, with its own reason. Returns
    the step sent, None when there was nothing to do."""
    from rathaus.delivery import channels
    from rathaus.inbox.models import Message

    message = Message.objects.filter(pk=message_id).first()
    if message is None:  # erased meanwhile (e.g. a data subject's request): nothing to do
        return None
    if action == "report":
        step = "report"
        message.moderation_reason = reason  # a later step may have replaced the stored one
    elif message.removed_at:
        step = "delete"
    else:
        step = "hide" if message.hidden_at else "unhide"
    try:
        channel = channels.get(message.channel)
    except KeyError:  # the account was disconnected meanwhile
        return None
    try:
        channel.moderate(message, step)
    except Exception:
        # One attempt, as for the refusals the channels log themselves; anything else is
        # a bug that must be seen with its traceback, not lost in the queue.
        log.exception("moderating message %s (%s) on %s failed", message_id, step, message.channel)
        return None
    return step
