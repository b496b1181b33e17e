"""Every connected account is a channel of its own: a post gets one delivery per account."""

import pytest

from rathaus.connectors.models import ConnectedAccount
from rathaus.delivery import channels
from rathaus.delivery.models import Delivery

XING = "https://www.xing.com/pages/bezirksamt-mitte"


@pytest.fixture
def two_xing_pages(connect_account):
    return [
        connect_account("xing", api_base="", remote_id=f"{XING}-{n}", name=f"Seite {n}")
        for n in (1, 2)
    ]


def test_each_account_gets_its_own_delivery(two_xing_pages, publish_post):
    post = publish_post(title="Baum", body="Zwei Linden.", category="short_notice")
    keys = set(post.deliveries.values_list("channel", flat=True))
    assert {a.channel_key for a in two_xing_pages} <= keys


def test_a_channel_key_finds_its_account(two_xing_pages):
    channel = channels.get(two_xing_pages[1].channel_key)
    assert channel.account == two_xing_pages[1]
    assert channel.name == "Xing: Seite 2"


def test_unknown_or_malformed_keys_are_no_channel(two_xing_pages):
    for key in ("xing:999999", "xing:abc", "nosuchplatform:1", "mastodon:"):
        with pytest.raises(KeyError):
            channels.get(key)


def test_a_disconnected_account_gets_no_new_posts(two_xing_pages, office, publish_post):
    ConnectedAccount.objects.filter(pk=two_xing_pages[0].pk).update(status="disconnected")
    post = publish_post(title="Baum", body="Zwei Linden.", category="short_notice")
    keys = set(post.deliveries.values_list("channel", flat=True))
    assert two_xing_pages[0].channel_key not in keys
    assert two_xing_pages[1].channel_key in keys


def test_another_offices_accounts_are_not_this_offices_channels(two_xing_pages, other_office):
    keys = {c.key for c in channels.for_office(other_office)}
    assert not keys & {a.channel_key for a in two_xing_pages}


def test_all_accounts_of_a_platform_share_one_variant(two_xing_pages, office, editor, approver):
    from rathaus.posts import lifecycle

    post = lifecycle.create_draft(
        office, by=editor, title="Baum", body="Lang.", variants={"xing": "Kurz für Xing."}
    )
    lifecycle.submit(post, by=editor)
    lifecycle.approve(post, by=approver)
    lifecycle.publish(post, by=approver)
    for account in two_xing_pages:
        delivery = Delivery.objects.get(post=post, channel=account.channel_key)
        prepared = channels.get(account.channel_key).prepared(delivery)
        assert prepared.text.startswith("Kurz für Xing.")
