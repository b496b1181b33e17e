"""Writing a post's fields, channel variants and tags, checked before anything is saved."""

from __future__ import annotations

from django.db import connection
from django.db.models import Max
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from rathaus.delivery import channels, defaults
from rathaus.lib.oneline import has_breaks
from rathaus.offices.access import LifecycleError
from rathaus.offices.models import Office
from rathaus.posts.models import Post, PostVariant, Tag, slug_for

EDITABLE_FIELDS = {
    "title",
    "body",
    "category",
    "language",
    "place_name",
    "latitude",
    "longitude",
    "event_start",
    "event_end",
    "publish_at",
    "channels",
}


def plain_lines(text: str) -> str:
    """Line breaks as ``\n``: browsers send a textarea's as ``\r\n``, which would count
    twice on some platforms and differ from what was counted before saving."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def slug_after_save(post: Post | None, title: str) -> str:
    """The address words ``post`` will have once saved with ``title``: they follow the
    title until the post is first published, then they stay (the link went out)."""
    if post is not None and post.published_at is not None:
        return post.slug
    return slug_for(title)


def link_after_save(office: Office, post: Post | None, title: str) -> str:
    """The post's public address once saved with ``title``, as platforms will count it.
    A new post has no id yet: the one the database will give next stands in (another
    post saved in between can still take it, one digit more at most at 999 → 1000)."""
    pk = post.pk if post is not None and post.pk else _next_id()
    path = reverse("newsroom:post", args=[office.slug, pk, slug_after_save(post, title)])
    return office.public_url(path)


def _next_id() -> int:
    """The id the next post will get, read from the database's own counter without taking
    it: ids of deleted posts are not given again, so the highest id + 1 can be short."""
    table = Post._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":  # AUTOINCREMENT keeps its counter here
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            if row is not None:
                return row[0] + 1
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            (sequence,) = cursor.fetchone()
            if sequence:
                # The name comes from the catalogue, not from anyone's input.
                cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608
                last, called = cursor.fetchone()
                return last + 1 if called else last
    return (Post.objects.aggregate(last=Max("pk"))["last"] or 0) + 1


def default_channels(office: Office, category: str) -> list[str]:
    """The keys of the office's channels a post of ``category`` goes to by default."""
    restricted = defaults.chosen(office.pk)
    return [
        c.key for c in channels.for_office(office) if defaults.allows(category, c.key, restricted)
    ]


def check_title(title: str) -> None:
    """A title is one line: it becomes a mail subject (a header, where a line break starts
    a new header) and a feed's and a platform's title."""
    if has_breaks(title):
        raise LifecycleError(
            _("The title must be a single line, without line breaks or control characters.")
        )


def write(
    post: Post, fields: dict, variants: dict[str, str] | None, tags: list[str] | None
) -> None:
    """Set and save ``fields``; replace variants and tags where given (None: leave them)."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise LifecycleError(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    if "title" in fields:
        check_title(fields["title"] or "")
        post.url_slug = slug_after_save(post, fields["title"] or "")
    if fields.get("body"):
        fields = {**fields, "body": plain_lines(fields["body"])}
    for name, value in fields.items():
        setattr(post, name, value)
    if "channels" in fields:
        post.channels = _picked(post, fields["channels"])
    if post.event_start and post.event_end and post.event_end < post.event_start:
        raise LifecycleError(_("The event cannot end before it starts."))
    post.full_clean(exclude=["created_by", "last_editor", "office"])
    post.save()
    if variants is not None:
        for key, text in variants.items():
            if not channels.is_variant_key(key):  # a programming error, not a user's
                raise KeyError(key)
            if text.strip():
                PostVariant.objects.update_or_create(
                    post=post, channel=key, defaults={"text": plain_lines(text)}
                )
            else:
                PostVariant.objects.filter(post=post, channel=key).delete()
    if tags is not None:
        post.tags.set([_tag(post.office, name) for name in tags if name.strip()])


def _picked(post: Post, keys: list[str] | None) -> list[str] | None:
    """The channels chosen for ``post``, checked; None where they are just its category's
    defaults, so that the post follows them (and a later change of its category)."""
    if keys is None:
        return None
    # Only the office's channels of today: one disconnected since (in the copy of an
    # older post) drops out; the newsroom is always in.
    available = {c.key for c in channels.for_office(post.office)}
    picked = sorted({*keys, defaults.ALWAYS} & available)
    return None if picked == sorted(default_channels(post.office, post.category)) else picked


def _tag(office: Office, name: str) -> Tag:
    tag, _created = Tag.objects.get_or_create(
        office=office,
        slug=slugify(name.strip())[:80] or "tag",
        defaults={"name": name.strip()[:60]},
    )
    return tag
