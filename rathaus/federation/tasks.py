"""Background jobs of federation: deliver what is due, check what came in, and the minutely
safety nets."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def deliver_outgoing() -> int:
    from rathaus.federation import fanout

    return fanout.deliver_due()


@db_task()
def process_incoming(pk: int) -> int:
    """Check and handle one request an inbox stored because its key had to be fetched."""
    from rathaus.federation import incoming

    return incoming.process_due([pk])


@db_periodic_task(crontab(minute="*"))
def incoming_every_minute() -> int:
    """Stored inbox requests whose task was lost, whose worker died or whose retry is due."""
    from rathaus.federation import incoming

    return incoming.process_due()


@db_periodic_task(crontab(minute="*"))
def federation_every_minute() -> int:
    from rathaus.federation import fanout

    fanout.requeue_stale()
    return fanout.deliver_due(seconds=50)
