"""Which channels a post goes to by default, per office and category (``ChannelDefault``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from rathaus.audit.log import record
from rathaus.delivery.models import ChannelDefault
from rathaus.offices.access import require_role
from rathaus.offices.models import Role

if TYPE_CHECKING:
    from rathaus.offices.models import Office

# The office's own site is the original every other channel copies: it always gets a post.
ALWAYS = "newsroom"


def chosen(office_id: int) -> dict[str, list[str]]:
    """Category → channel keys, for the categories the office has restricted."""
    return {d.category: d.channels for d in ChannelDefault.objects.filter(office_id=office_id)}


def allows(category: str, channel_key: str, restricted: dict[str, list[str]]) -> bool:
    """Whether posts of ``category`` go to ``channel_key`` by the office's defaults
    (``restricted`` is :func:`chosen` of that office)."""
    if channel_key == ALWAYS or category not in restricted:
        return True
    return channel_key in restricted[category]


def reaches(
    category: str, channel_key: str, restricted: dict[str, list[str]], picked: list[str] | None
) -> bool:
    """Whether a post goes to ``channel_key``: to the channels the editor picked for it
    (``Post.channels``) where they did, else by its category's defaults; always to the
    newsroom."""
    if channel_key == ALWAYS or picked is None:
        return allows(category, channel_key, restricted)
    return channel_key in picked


def choose(office: Office, matrix: dict[str, list[str]], *, by) -> None:
    """Set the default channels of each category in ``matrix``; a category with every
    channel ticked is stored as "no restriction", so channels connected later are in."""
    from rathaus.delivery import channels

    require_role(by, office, Role.ADMIN)
    every = {c.key for c in channels.for_office(office)} - {ALWAYS}
    with transaction.atomic():
        for category, keys in matrix.items():
            wanted = sorted(set(keys) - {ALWAYS})
            if set(wanted) >= every:
                ChannelDefault.objects.filter(office=office, category=category).delete()
            else:
                ChannelDefault.objects.update_or_create(
                    office=office, category=category, defaults={"channels": wanted}
                )
        record(office, "channel_defaults_changed", by=by, office=office, message="")
