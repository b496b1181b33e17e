"""Background jobs of the connectors."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_periodic_task(crontab(minute="*/2"))
def fetch_replies() -> int:
    from rathaus.connectors import fetching

    return fetching.fetch_all()


@db_periodic_task(crontab(minute="17", hour="7"))
def warn_expiring_tokens() -> int:
    from rathaus.connectors import accounts

    return accounts.warn_expiring()


@db_task()
def finish_connection(pending_id: int) -> None:
    """Check a connection an office admin asked for (the platform, its server and DNS may
    be slow; the desk does not wait for them)."""
    from rathaus.connectors import accounts

    accounts.finish_connection(pending_id)


@db_periodic_task(crontab(minute="*/10"))
def forget_stale_connections() -> int:
    from rathaus.connectors import accounts

    return accounts.forget_stale()
