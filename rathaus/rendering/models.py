"""Public pages rendered ahead of the reader (README, "Rendered pages").

The rows are the source of every copy: the web processes' front (``front``) and the files
a static server serves (``mirror``) both follow them by ``changed_at``. A page that is no
longer there stays as a row marked ``gone``, so that every copy learns to drop it.
"""

from __future__ import annotations

from django.db import models


class RenderedPage(models.Model):
    # The address as Django sees it (``request.path``), with the /en/ prefix if any.
    path = models.CharField(max_length=500, unique=True)
    # Plain numbers, not foreign keys: deleting an office or a post must leave a ``gone``
    # row for the copies to follow, not make the rows vanish.
    office_id = models.IntegerField(null=True, db_index=True)
    # What the page belongs to, for removing what a new rendering no longer has:
    # "site", "office:<id>", "post:<id>", "tag:<id>".
    source = models.CharField(max_length=40, db_index=True)
    headers = models.JSONField(default=list)
    body = models.BinaryField(default=b"")
    etag = models.CharField(max_length=80, blank=True)
    gone = models.BooleanField(default=False)
    changed_at = models.DateTimeField(db_index=True)
    # When it was last rendered, changed or not: a post whose page is older than its last
    # change is rendered again (by ``changed_at`` an unchanged page would always be).
    rendered_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = "rendered page"

    def __str__(self) -> str:
        return self.path


class RenderState(models.Model):
    """How far an office's pages are rendered: the lists by a rendering that started at
    ``lists_until``, the posts' own pages up to ``posts_until`` (posts changed since are
    rendered again); a different ``fingerprint`` of the office (its name, logo, imprint …,
    on every page) renders all of them: the lists at once, the posts' pages rendered before
    ``pages_before`` by the posts' job, slice by slice."""

    office_id = models.IntegerField(unique=True)
    lists_until = models.DateTimeField(null=True)
    posts_until = models.DateTimeField(null=True)
    pages_before = models.DateTimeField(null=True)
    fingerprint = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"office {self.office_id}"
