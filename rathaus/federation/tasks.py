"""Background jobs of federation: deliver what is due, and the minutely safety net."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def deliver_outgoing() -> int:
    from rathaus.federation import fanout

    return fanout.deliver_due()


@db_periodic_task(crontab(minute="*"))
def federation_every_minute() -> int:
    from rathaus.federation import fanout

    fanout.requeue_stale()
    return fanout.deliver_due(seconds=50)
