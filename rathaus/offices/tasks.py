"""Background jobs of the offices: the invitation mail (a mail server can be slow, and
nothing that waits on another server runs inside a web request)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def send_invitation(user_id: int, office_id: int, base_url: str) -> bool:
    from rathaus.offices import members

    return members.send_invitation(user_id, office_id, base_url)
