"""What a change renders again, and how a rendering is stored.

A change to an office's public content (``Office.touch``, after a publication, correction,
withdrawal, a scheduled post going live, its settings or FAQ) queues one job for the
office's lists (kind ``LISTS``, key ``office:<id>``: changes in quick succession make one
rendering) and one for the pages over all offices (``site``). The lists are what a reader
opens first after a storm warning, so their kind is urgent (``Policy.urgent``): any worker
renders them between two batches of other work. The lists' job renders the lists the
changed posts appear in and their tags, then queues the job for the changed posts' own
pages (kind ``KIND``, ``posts:<id>``), which renders in slices of ``POSTS_SLICE`` seconds;
the standing pages have a job of their own (``standing:<id>``, after a change to the FAQ,
say). A different fingerprint of the office (on every page: name, logo, imprint …) renders
all of its pages.
"""

from __future__ import annotations

import hashlib
import json
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.db.models.functions import Coalesce
from django.utils import timezone

from rathaus.jobs import engine, runner
from rathaus.jobs.models import QUEUED, Job
from rathaus.offices.models import Office
from rathaus.posts.models import Post, Tag
from rathaus.rendering import pages
from rathaus.rendering.models import RenderedPage, RenderState
from rathaus.rendering.renderer import render

LISTS = "rendering.lists"
KIND = "rendering.render"
SITE = "site"
# Posts are found by ``updated_at``; a transaction that wrote one before this rendering
# started may commit after it read: looking back this far finds it the next time.
OVERLAP = timedelta(seconds=30)
# A job renders posts' pages for about this long, then queues the rest: a thousand new
# posts' pages must not hold a worker for a minute while deliveries wait.
POSTS_SLICE = 2.0
WHOLE_CHUNK = 20  # posts loaded whole at a time, within a slice


def office_changed(
    sender: object, office: Office, everything: bool = False, standing: bool = False, **kwargs
) -> None:
    if not settings.RENDER_PAGES:
        return
    if everything:
        RenderState.objects.filter(office_id=office.pk).update(fingerprint="")
    engine.enqueue(LISTS, key=f"office:{office.pk}")
    transaction.on_commit(lambda: runner.wake(LISTS))
    if standing:
        engine.enqueue(KIND, key=f"standing:{office.pk}")
        transaction.on_commit(lambda: runner.wake(KIND))
    _site_soon()


def _site_soon() -> None:
    """The pages over all offices (office list, sitemaps) are no reader's first stop: they
    are rendered at most every RENDERED_SITE_SECONDS, so that a storm of publications
    spends the worker on the lists. A queued job keeps its time (``engine.enqueue`` would
    move it, and a storm would put it off for as long as it lasts)."""
    if Job.objects.filter(kind=KIND, key=SITE, status=QUEUED).exists():
        return
    at = timezone.now() + timedelta(seconds=settings.RENDERED_SITE_SECONDS)
    engine.enqueue(KIND, key=SITE, at=at)
    transaction.on_commit(lambda: runner.wake(KIND, at=at))


def office_deleted(sender: object, instance: Office, **kwargs) -> None:
    _remove(RenderedPage.objects.filter(office_id=instance.pk))
    RenderState.objects.filter(office_id=instance.pk).delete()
    if settings.RENDER_PAGES:
        _site_soon()


def fingerprint(office: Office) -> str:
    row = Office.objects.filter(pk=office.pk).values().get()
    row.pop("content_version", None)
    return hashlib.sha256(json.dumps(row, sort_keys=True, default=str).encode()).hexdigest()


def render_site() -> int:
    return _render_set(pages.site_paths(), source=SITE, office_id=None)


def render_office(office_id: int) -> int:
    """The office's lists, quickly: returns the number of pages written or removed.

    In the order in which a page would otherwise be wrong: pages of posts that are no longer
    public are removed, pages already rendered of changed posts (a correction) rendered
    again, then the lists the changed posts appear in (front page, feeds, their categories,
    events, tags). New posts' own pages follow in a job of their own (``render_posts``):
    until then their address reaches Django, which answers the current page, so nothing is
    stale meanwhile, and a burst of a thousand new posts does not hold up the lists. The
    standing pages (imprint, FAQ …) have their job too (``render_standing``).
    """
    office = Office.objects.filter(pk=office_id).first()
    if office is None:
        return _remove(RenderedPage.objects.filter(office_id=office_id))
    started = timezone.now()
    state, _made = RenderState.objects.get_or_create(office_id=office_id)
    print_ = fingerprint(office)
    everything = state.lists_until is None or state.fingerprint != print_
    # Only what the lists need to know of each post: a burst of a thousand posts must not
    # load a thousand bodies (the wrong ones are loaded whole below).
    posts = _changed_posts(office, None if everything else state.lists_until, light=True)
    rendered = _rendered_at(posts)
    # Pages that would now be wrong: a withdrawn post's, a corrected post's (rendered before
    # its change). Not those of new posts (none yet), nor every post for a new footer.
    wrong = [
        p
        for p in posts
        if p.pk in rendered and (not p.is_public or (not everything and _behind(p, rendered)))
    ]
    wrong = _whole([p.pk for p in wrong])
    written = sum(_render_set(pages.post_paths(p), f"post:{p.pk}", office_id) for p in wrong)
    # A correction may have moved a post to another category: then all lists.
    touched = None if everything or wrong else posts
    lists = pages.list_paths(office, touched)
    written += _render_set(lists, f"office:{office_id}", office_id, complete=touched is None)
    tags = Tag.objects.filter(office=office) if everything else _tags(posts)
    written += sum(_render_set(pages.tag_paths(t), f"tag:{t.pk}", office_id) for t in tags)
    values = {"lists_until": started, "fingerprint": print_}
    if everything:
        values["pages_before"] = started  # every post's page again, in render_posts
    RenderState.objects.filter(pk=state.pk).update(**values)
    engine.enqueue(KIND, key=f"posts:{office_id}")
    if everything:
        engine.enqueue(KIND, key=f"standing:{office_id}")
    transaction.on_commit(lambda: runner.wake(KIND))
    return written


def render_standing(office_id: int) -> int:
    """The office's pages that list no posts: imprint, privacy, FAQ, netiquette …"""
    office = Office.objects.filter(pk=office_id).first()
    if office is None:
        return 0
    return _render_set(pages.standing_paths(office), f"standing:{office_id}", office_id)


def render_posts(office_id: int, *, seconds: float | None = None) -> int:
    """The pages of the office's posts changed since the last time (all the first time, and
    after a change on every page), for about ``seconds`` (``POSTS_SLICE``; ``math.inf``: all
    of them now); the rest in a job of its own, queued again. Returns the number of pages
    written or removed."""
    office = Office.objects.filter(pk=office_id).first()
    state = RenderState.objects.filter(office_id=office_id).first()
    if office is None or state is None:
        return 0
    started = timezone.now()
    deadline = time.monotonic() + (POSTS_SLICE if seconds is None else seconds)
    if state.pages_before is None:
        posts = _changed_posts(office, state.posts_until, light=True)
    else:
        posts = _changed_posts(office, None, light=True)
    rendered = _rendered_at(posts)
    # Rendered since their last change (and since the change on every page) already, by
    # the lists' job or a slice before this one: nothing to do.
    floor = state.pages_before
    posts = [p for p in posts if _due(p, rendered, floor)]
    written = 0
    rest: list = []
    for start in range(0, len(posts), WHOLE_CHUNK):
        if start and time.monotonic() > deadline:  # at least one chunk: never stuck
            rest = posts[start:]
            break
        for post in _whole([p.pk for p in posts[start : start + WHOLE_CHUNK]]):
            written += _render_set(pages.post_paths(post), f"post:{post.pk}", office_id)
    if rest:
        engine.enqueue(KIND, key=f"posts:{office_id}")
        transaction.on_commit(lambda: runner.wake(KIND))
        return written
    RenderState.objects.filter(pk=state.pk).update(posts_until=started)
    if floor is not None:
        # Done with the floor, unless another change on every page came meanwhile (its
        # lists' job set a new one).
        RenderState.objects.filter(pk=state.pk, pages_before=floor).update(pages_before=None)
    return written


def _due(post: Any, rendered: dict[int, Any], floor) -> bool:
    """Does ``post`` need its pages rendered (or removed)?"""
    if post.pk not in rendered:
        return post.is_public  # no page: a public post's is missing
    if not post.is_public:
        return True  # its pages are to go
    return _behind(post, rendered) or (floor is not None and rendered[post.pk] < floor)


def _changed_posts(office: Office, since, *, light: bool = False) -> list:
    """Posts that were ever public, changed since ``since`` (all with None); ``light``: only
    the fields the lists ask for (status, category, event, tags)."""
    posts = Post.objects.filter(office=office, published_at__isnull=False)
    if since is not None:
        posts = posts.filter(updated_at__gte=since - OVERLAP)
    if light:
        fields = ("pk", "office", "status", "category", "event_start", "updated_at")
        return list(posts.only(*fields).order_by("updated_at", "pk"))
    return list(posts.select_related("office").prefetch_related("tags", "images"))


def _whole(pks: list[int]) -> list:
    """The posts of ``pks`` whole, in that order."""
    if not pks:
        return []
    posts = Post.objects.filter(pk__in=pks).select_related("office")
    found = {post.pk: post for post in posts.prefetch_related("tags", "images")}
    return [found[pk] for pk in pks if pk in found]


def _rendered_at(posts: list) -> dict[int, Any]:
    """Post id → when its oldest page still shown was rendered, for posts that have any."""
    sources = {f"post:{p.pk}": p.pk for p in posts}
    rows = (
        RenderedPage.objects.filter(source__in=sources, gone=False)
        .values("source")
        # Rows the version before wrote (during an upgrade) have no rendered_at.
        .annotate(oldest=Min(Coalesce("rendered_at", "changed_at")))
    )
    return {sources[row["source"]]: row["oldest"] for row in rows}


def _behind(post: Any, rendered: dict[int, Any]) -> bool:
    return rendered[post.pk] < post.updated_at


def _tags(posts: list) -> list:
    """The tags of ``posts``: read through the link table, not per post (a burst of a
    thousand posts would make a thousand related managers)."""
    links = Post.tags.through.objects.filter(post_id__in=[post.pk for post in posts])
    return list(Tag.objects.filter(pk__in=links.values("tag_id")).select_related("office"))


def _render_set(
    paths: list[str], source: str, office_id: int | None, *, complete: bool = True
) -> int:
    """Render ``paths`` as the pages of ``source``; if they are all of them (``complete``),
    what ``source`` had before and has no more (a withdrawn post, a renamed post's old
    address) is removed."""
    written = 0
    kept = []
    for path in paths:
        page = render(path)
        if page.status == 200:
            written += _store(page, source, office_id)
            kept.append(path)
    if not complete:
        return written
    stale = RenderedPage.objects.filter(source=source, gone=False).exclude(path__in=kept)
    return written + _remove(stale)


def _store(page: Any, source: str, office_id: int | None) -> int:
    found = RenderedPage.objects.filter(path=page.path).first()
    now = timezone.now()
    if found is not None and not found.gone and bytes(found.body) == page.body:
        # Unchanged: the copies keep theirs (and its Last-Modified); only rendered again.
        RenderedPage.objects.filter(pk=found.pk).update(rendered_at=now)
        return 0
    values = {
        "office_id": office_id,
        "source": source,
        "headers": page.headers,
        "body": page.body,
        "etag": page.etag,
        "gone": False,
        "changed_at": now,
        "rendered_at": now,
    }
    RenderedPage.objects.update_or_create(path=page.path, defaults=values)
    return 1


def _remove(rows: Any) -> int:
    now = timezone.now()
    return rows.filter(gone=False).update(
        gone=True, body=b"", headers=[], changed_at=now, rendered_at=now
    )
