"""Background jobs. They take ids only and return quietly when a row is gone or done."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def send_deliveries(delivery_ids: list[int]) -> list[str | None]:
    from rathaus.delivery import sending

    return [sending.send(pk) for pk in delivery_ids]


@db_task()
def publish_due_posts() -> int:
    from rathaus.posts import scheduling

    return scheduling.publish_due()


@db_periodic_task(crontab(minute="*"))
def every_minute() -> None:
    """Safety net: catches schedules and retries even if a timed task was lost."""
    from rathaus.delivery import sending
    from rathaus.posts import scheduling

    scheduling.publish_due()
    sending.requeue_stale()
    sending.send_due()
