"""The office's connected platform accounts as places to follow it (lib.follow_links): each
platform's public profile page, built from what the account was connected with."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from rathaus.connectors.models import ConnectedAccount
from rathaus.lib.follow_links import FollowLink


def _mastodon(account: ConnectedAccount) -> tuple[str, str]:
    user, _at, domain = account.name.removeprefix("@").partition("@")  # "@presse@domain"
    return account.name, f"https://{domain}/@{quote(user)}" if user and domain else ""


def _named(url: str, key: str) -> Callable[[ConnectedAccount], tuple[str, str]]:
    """A platform whose profile page is ``url`` with the account's ``details[key]``."""

    def profile(account: ConnectedAccount) -> tuple[str, str]:
        name = str((account.details or {}).get(key) or "")
        return (f"@{name}", url.format(quote(name))) if name else ("", "")

    return profile


PROFILES: dict[str, Callable[[ConnectedAccount], tuple[str, str]]] = {
    "mastodon": _mastodon,
    "bluesky": _named("https://bsky.app/profile/{}", "handle"),
    "instagram": _named("https://www.instagram.com/{}/", "username"),
    "x": _named("https://x.com/{}", "username"),
    "telegram": _named("https://t.me/{}", "chat_username"),
    "facebook": lambda account: (
        account.name,
        f"https://www.facebook.com/{quote(account.remote_id)}",
    ),
}


def platform_accounts(office: object) -> list[FollowLink]:
    """Active accounts on a platform whose profile address we know; the others (LinkedIn's
    and XING's pages are not addressed by what we keep) are left out."""
    links = []
    for account in ConnectedAccount.objects.filter(
        office=office, status=ConnectedAccount.Status.ACTIVE
    ).order_by("platform", "name"):
        profile = PROFILES.get(account.platform)
        if profile is None:
            continue
        address, url = profile(account)
        if url:
            links.append(FollowLink(account.platform_label, address or account.name, url))
    return links
