"""The connectors' periodic clean-ups. (Fetching accounts and checking connections are work
of the job engine: ``background``.)"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="17", hour="7"))
def warn_expiring_tokens() -> int:
    from rathaus.connectors import accounts

    return accounts.warn_expiring()


@db_periodic_task(crontab(minute="*/10"))
def forget_stale_connections() -> int:
    from rathaus.connectors import accounts

    return accounts.forget_stale()
