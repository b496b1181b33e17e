"""What a change renders again, and how a rendering is stored.

A change to an office's public content (``Office.touch``, after a publication, correction,
withdrawal, a scheduled post going live, its settings or FAQ) queues one job per office
(key ``office:<id>``: changes in quick succession make one rendering) and one for the
pages over all offices (``site``). The job renders the office's own pages, the pages of the
posts changed since the last rendering and of their tags; a different fingerprint of the
office (on every page: name, logo, imprint …) renders every post and tag page.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rathaus.jobs import engine, runner
from rathaus.offices.models import Office
from rathaus.posts.models import Post, Tag
from rathaus.rendering import pages
from rathaus.rendering.models import RenderedPage, RenderState
from rathaus.rendering.renderer import render

KIND = "rendering.render"
SITE = "site"
# Posts are found by ``updated_at``; a transaction that wrote one before this rendering
# started may commit after it read: looking back this far finds it the next time.
OVERLAP = timedelta(seconds=30)


def office_changed(sender: object, office: Office, everything: bool = False, **kwargs) -> None:
    if not settings.RENDER_PAGES:
        return
    if everything:
        RenderState.objects.filter(office_id=office.pk).update(fingerprint="")
    engine.enqueue(KIND, key=f"office:{office.pk}")
    engine.enqueue(KIND, key=SITE)
    transaction.on_commit(lambda: runner.wake(KIND))


def office_deleted(sender: object, instance: Office, **kwargs) -> None:
    _remove(RenderedPage.objects.filter(office_id=instance.pk))
    RenderState.objects.filter(office_id=instance.pk).delete()
    if settings.RENDER_PAGES:
        engine.enqueue(KIND, key=SITE)
        transaction.on_commit(lambda: runner.wake(KIND))


def fingerprint(office: Office) -> str:
    row = Office.objects.filter(pk=office.pk).values().get()
    row.pop("content_version", None)
    return hashlib.sha256(json.dumps(row, sort_keys=True, default=str).encode()).hexdigest()


def render_site() -> int:
    return _render_set(pages.site_paths(), source=SITE, office_id=None)


def render_office(office_id: int) -> int:
    """Render what changed in the office; returns the number of pages written or removed."""
    office = Office.objects.filter(pk=office_id).first()
    if office is None:
        return _remove(RenderedPage.objects.filter(office_id=office_id))
    started = timezone.now()
    state, _made = RenderState.objects.get_or_create(office_id=office_id)
    print_ = fingerprint(office)
    everything = state.posts_until is None or state.fingerprint != print_
    posts = Post.objects.filter(office=office, published_at__isnull=False)
    if not everything:
        posts = posts.filter(updated_at__gte=state.posts_until - OVERLAP)
    posts = list(posts.select_related("office").prefetch_related("tags", "images"))
    tags = (
        Tag.objects.filter(office=office)
        if everything
        else {tag for post in posts for tag in post.tags.all()}
    )
    # The posts first: the newly published one is what readers open.
    written = sum(_render_set(pages.post_paths(p), f"post:{p.pk}", office_id) for p in posts)
    written += _render_set(pages.office_paths(office), f"office:{office_id}", office_id)
    written += sum(_render_set(pages.tag_paths(t), f"tag:{t.pk}", office_id) for t in tags)
    RenderState.objects.filter(pk=state.pk).update(posts_until=started, fingerprint=print_)
    return written


def _render_set(paths: list[str], source: str, office_id: int | None) -> int:
    """Render ``paths`` as the pages of ``source``; what ``source`` had before and has no
    more (a withdrawn post, a renamed post's old address) is removed."""
    written = 0
    kept = []
    for path in paths:
        page = render(path)
        if page.status == 200:
            written += _store(page, source, office_id)
            kept.append(path)
    stale = RenderedPage.objects.filter(source=source, gone=False).exclude(path__in=kept)
    return written + _remove(stale)


def _store(page: Any, source: str, office_id: int | None) -> int:
    found = RenderedPage.objects.filter(path=page.path).first()
    if found is not None and not found.gone and bytes(found.body) == page.body:
        return 0  # unchanged: the copies keep theirs (and its Last-Modified)
    values = {
        "office_id": office_id,
        "source": source,
        "headers": page.headers,
        "body": page.body,
        "etag": page.etag,
        "gone": False,
        "changed_at": timezone.now(),
    }
    RenderedPage.objects.update_or_create(path=page.path, defaults=values)
    return 1


def _remove(rows: Any) -> int:
    return rows.filter(gone=False).update(
        gone=True, body=b"", headers=[], changed_at=timezone.now()
    )
