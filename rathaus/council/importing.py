"""Importing an office's council data from its OParl server into ``CouncilObject`` rows.

``import_council(source)`` reads the system with ``lib.oparl.Reader`` (every list by its
``next`` links, in parallel, with the known servers' faults repaired) and stores what it
reads in batches: a new object is inserted, a changed one updated, one that reads the same
as stored (by a digest of its fields) is left alone, so a second run with nothing changed
writes no object. After a run that read every list, the next one asks only for what was
modified since this one began (``modified_since``); a run that had to give up a list
keeps the old time, so the next run asks for the same changes again.

A run stopped half-way (a crash, Ctrl-C, a list the server kept failing) goes on where it
stopped: after each batch the pages whose objects are all stored are kept per list
(``CouncilSource.resume``), and the next run reads only from there.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from rathaus.council.models import CouncilObject, CouncilSource
from rathaus.lib.oparl import Limits, OParlObject, Reader

BATCH = 500  # objects per transaction


@dataclass
class Figures:
    """What one run did, for the terminal and the office's admin page."""

    read: int = 0
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    deleted: int = 0  # objects the server now says are deleted
    seconds: float = 0.0
    failed_lists: dict[str, str] = field(default_factory=dict)
    repairs: dict[str, int] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not self.failed_lists


def import_council(
    source: CouncilSource,
    *,
    limits: Limits | None = None,
    progress: Callable[[Figures], None] | None = None,
    **reader_options: Any,
) -> Figures:
    """Read the source's OParl system and store it for the source's office."""
    started, clock = timezone.now(), time.monotonic()
    # A run that goes on where another stopped belongs to that run's chain.
    chain_started = (source.resume_started if source.resume else None) or started
    reader = Reader(
        source.system_url,
        body_id=source.body_id or None,
        since=source.imported_until,
        resume=source.resume or None,
        limits=limits,
        **reader_options,
    )
    figures = Figures()
    pending: list[OParlObject] = []
    for obj in reader.read():
        pending.append(obj)
        if len(pending) >= BATCH:
            _store(source.office_id, pending, figures)
            pending = []
            # Everything taken is stored: a crash from here on resumes at these pages.
            CouncilSource.objects.filter(pk=source.pk).update(
                resume=reader.taken, resume_started=chain_started
            )
            if progress is not None:
                progress(figures)
    _store(source.office_id, pending, figures)
    figures.seconds = round(time.monotonic() - clock, 3)
    figures.failed_lists = dict(reader.failures)
    figures.repairs = dict(reader.notes.counts)
    values: dict[str, Any] = {"last_run": {**asdict(figures), "finished_at": timezone.now()}}
    if figures.complete:
        values.update(imported_until=chain_started, resume={}, resume_started=None)
    else:  # the lists given up go on from where they failed
        values.update(resume=reader.taken, resume_started=chain_started)
    CouncilSource.objects.filter(pk=source.pk).update(**values)
    return figures


def digest(obj: OParlObject) -> str:
    text = json.dumps([obj.deleted, obj.data], sort_keys=True, cls=DjangoJSONEncoder)
    return hashlib.sha256(text.encode()).hexdigest()


def _store(office_id: int, objects: list[OParlObject], figures: Figures) -> None:
    if not objects:
        return
    figures.read += len(objects)
    now = timezone.now()
    with transaction.atomic():
        stored = {
            oparl_id: (pk, known)
            for pk, oparl_id, known in CouncilObject.objects.filter(
                office_id=office_id, oparl_id__in=[obj.id for obj in objects]
            ).values_list("pk", "oparl_id", "digest")
        }
        new, changed = [], []
        for obj in objects:
            row = CouncilObject(
                office_id=office_id,
                kind=obj.type,
                oparl_id=obj.id,
                parent_id=obj.parent or "",
                modified=obj.modified,
                deleted=obj.deleted,
                data=obj.data,
                digest=digest(obj),
                imported_at=now,
            )
            figures.deleted += obj.deleted
            if obj.id not in stored:
                new.append(row)
            elif stored[obj.id][1] != row.digest:
                row.pk = stored[obj.id][0]
                changed.append(row)
            else:
                figures.unchanged += 1
        # A second import of the same office at the same time (the command beside the
        # hourly job) may have inserted some of them: theirs stand.
        CouncilObject.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
        fields = ["kind", "parent_id", "modified", "deleted", "data", "digest", "imported_at"]
        CouncilObject.objects.bulk_update(changed, fields, batch_size=100)
    figures.created += len(new)
    figures.changed += len(changed)
