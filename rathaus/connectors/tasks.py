"""The connectors' periodic clean-ups. (Fetching accounts and checking connections are work
of the job engine: ``background``.)"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="17", hour="7"))
def warn_expiring_tokens() -> int:
    from rathaus.connectors import accounts
    from rathaus.jobs import clock

    # Every worker host's clock starts this; one mail a day (jobs.clock).
    if not clock.turn("connectors.warn_expiring_tokens", 86400):
        return 0
    return accounts.warn_expiring()


@db_periodic_task(crontab(minute="*/10"))
def forget_stale_connections() -> int:
    from rathaus.connectors import accounts
    from rathaus.jobs import clock

    if not clock.turn("connectors.forget_stale_connections", 600):
        return 0
    return accounts.forget_stale()
