"""The office's own Fediverse accounts as places to follow it (lib.follow_links)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from rathaus.federation import identities
from rathaus.federation.models import Account
from rathaus.lib.follow_links import FollowLink


def fediverse_accounts(office: object) -> list[FollowLink]:
    return [
        FollowLink(
            network=_("Fediverse (e.g. Mastodon)"),
            address=f"@{account.username}@{settings.FEDERATION_DOMAIN}",
            url=identities.actor(account.username),
            fediverse=True,
        )
        for account in Account.objects.filter(office=office).order_by("username")
    ]
