"""How far a post got in the Fediverse, in words for the desk: servers reached, still
waiting, given up, and how people reacted."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rathaus.federation.models import Outgoing, Reaction
from rathaus.posts.models import Post

KIND_OF_ACTION = {"publish": "Create", "update": "Update", "withdraw": "Delete"}


def counts(post: Post, action: str = "publish") -> dict[str, int]:
    rows = Outgoing.objects.filter(
        activity__post=post, activity__kind=KIND_OF_ACTION.get(action, "Create")
    )
    found = rows.aggregate(
        total=Count("pk"),
        delivered=Count("pk", filter=Q(status=Outgoing.Status.DELIVERED)),
        failed=Count("pk", filter=Q(status=Outgoing.Status.FAILED)),
    )
    found["waiting"] = found["total"] - found["delivered"] - found["failed"]
    reactions = dict(Reaction.objects.filter(post=post).values_list("kind").annotate(n=Count("pk")))
    found["likes"] = reactions.get(Reaction.Kind.LIKE, 0)
    found["boosts"] = reactions.get(Reaction.Kind.ANNOUNCE, 0)
    return found


def summary(post: Post, action: str = "publish") -> str:
    found = counts(post, action)
    if not found["total"]:
        parts = [_("no followers yet")]
    else:
        parts = [
            _("delivered to %(delivered)d of %(total)d inboxes") % found,
        ]
        if found["waiting"]:
            parts.append(_("%(waiting)d waiting for a retry") % found)
        if found["failed"]:
            parts.append(_("%(failed)d given up") % found)
    if action == "publish":
        parts.append(ngettext("%(likes)d like", "%(likes)d likes", found["likes"]) % found)
        parts.append(ngettext("%(boosts)d boost", "%(boosts)d boosts", found["boosts"]) % found)
    return " · ".join(parts)
