"""Following the rendered rows from elsewhere: the web processes' front and the mirror
into files both ask "what changed since I last looked?" here.

Rows are found by ``changed_at``. A writer's transaction may commit a little after the
time it wrote, so each look reaches back ``LOOK_BACK`` before the last one: a row seen
twice costs nothing, a row missed would stay stale.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import close_old_connections, connection
from django.utils import timezone

from rathaus.rendering.models import RenderedPage

LOOK_BACK = timedelta(seconds=30)


@dataclass(frozen=True)
class Entry:
    pk: int
    path: str
    headers: tuple[tuple[str, str], ...]
    etag: str
    gone: bool
    changed_at: datetime


class Follower:
    """Remembers how far it has read; ``changes()`` gives what changed since (everything
    the first time)."""

    def __init__(self) -> None:
        self.since: datetime | None = None

    def changes(self) -> Iterator[Entry]:
        # Outside a request: nothing else closes a connection the database dropped. Not
        # inside someone's transaction (a test's), which that would end.
        if not connection.in_atomic_block:
            close_old_connections()
        now = timezone.now()
        rows = RenderedPage.objects.all()
        if self.since is None:
            rows = rows.filter(gone=False)
        else:
            rows = rows.filter(changed_at__gte=self.since - LOOK_BACK)
        fields = ("pk", "path", "headers", "etag", "gone", "changed_at")
        for values in rows.order_by("changed_at").values_list(*fields).iterator(2000):
            pk, path, headers, etag, gone, changed_at = values
            yield Entry(pk, path, tuple(tuple(pair) for pair in headers), etag, gone, changed_at)
        self.since = now


def body(entry: Entry) -> bytes | None:
    """The body of exactly this version of the page; None if it has changed since (its
    headers, Content-Length among them, would not fit) or is gone."""
    found = (
        RenderedPage.objects.filter(pk=entry.pk, gone=False, changed_at=entry.changed_at)
        .values_list("body", flat=True)
        .first()
    )
    return None if found is None else bytes(found)
