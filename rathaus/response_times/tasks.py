"""Background jobs of response-time targets."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/5"))
def notify_overdue_every_five_minutes() -> int:
    from rathaus.response_times import overdue

    return overdue.notify_overdue()
