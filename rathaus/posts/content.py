"""Writing a post's fields, channel variants and tags, checked before anything is saved."""

from __future__ import annotations

from django.utils.text import slugify
from django.utils.translation import gettext as _

from rathaus.delivery import channels
from rathaus.lib.oneline import has_breaks
from rathaus.offices.access import LifecycleError
from rathaus.offices.models import Office
from rathaus.posts.models import Post, PostVariant, Tag

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
}


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
    for name, value in fields.items():
        setattr(post, name, value)
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
                    post=post, channel=key, defaults={"text": text}
                )
            else:
                PostVariant.objects.filter(post=post, channel=key).delete()
    if tags is not None:
        post.tags.set([_tag(post.office, name) for name in tags if name.strip()])


def _tag(office: Office, name: str) -> Tag:
    tag, _created = Tag.objects.get_or_create(
        office=office,
        slug=slugify(name.strip())[:80] or "tag",
        defaults={"name": name.strip()[:60]},
    )
    return tag
