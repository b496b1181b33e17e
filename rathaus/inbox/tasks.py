"""Background jobs of the citizen inbox."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

log = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="2", minute="30"))
def anonymise_expired_conversations() -> int:
    """Daily, at night (UTC): closed conversations past their office's retention period."""
    from rathaus.inbox import retention
    from rathaus.jobs import clock

    if not clock.turn("inbox.anonymise_expired_conversations", 86400):
        return 0
    return retention.anonymise_expired()
