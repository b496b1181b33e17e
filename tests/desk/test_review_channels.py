"""The review page shows what goes out on every channel of the post (each rendering and
each part of a thread, under the channel's name): the approval covers all of them."""

from django.urls import reverse

from rathaus.connectors.models import ConnectedAccount
from rathaus.delivery.models import ChannelDefault
from rathaus.posts import lifecycle
from tests.helpers import log_in

LONG = " ".join(["Die Lindenallee wird zwischen Hausnummer 4 und 40 gesperrt."] * 12)


def _account(office, platform, name):
    return ConnectedAccount.objects.create(
        office=office, platform=platform, name=name, remote_id=f"{platform}-{name}"
    )


def _detail(client, post):
    return client.get(reverse("desk:post_detail", args=[post.office.slug, post.pk]))


def test_the_approver_reads_every_channel_and_every_part(client, office, editor, approver):
    bluesky = _account(office, "bluesky", "mitte.bsky.social")
    post = lifecycle.create_draft(
        office, by=editor, title="Sperrung Lindenallee", body=LONG, category="short_notice"
    )
    lifecycle.submit(post, by=editor)
    log_in(client, approver)

    response = _detail(client, post)
    renderings = {r.key: r for r in response.context["renderings"]}
    assert set(renderings) >= {"newsroom", bluesky.channel_key}
    thread = renderings[bluesky.channel_key].parts
    assert len(thread) > 1 and thread[0].startswith("Sperrung Lindenallee")
    html = response.content.decode()
    section = html[html.index('id="channel-texts"') : html.index('id="h-images"')]
    assert "Bluesky: mitte.bsky.social" in section
    for part in thread:
        assert part.replace('"', "&quot;").split("\n")[0] in section
    assert f"1/{len(thread)}" in section
    assert "<strong>" not in renderings[bluesky.channel_key].parts[0]  # plain text there
    assert "gesperrt" in renderings["newsroom"].html


def test_a_variant_is_what_its_channel_shows(client, office, editor, approver):
    x = _account(office, "x", "bamitte")
    post = lifecycle.create_draft(
        office, by=editor, title="Sperrung", body=LONG, variants={"x": "Kurz: Sperrung ab Montag."}
    )
    lifecycle.submit(post, by=editor)
    log_in(client, approver)
    renderings = {r.key: r for r in _detail(client, post).context["renderings"]}
    assert renderings[x.channel_key].parts[0].startswith("Kurz: Sperrung ab Montag.")


def test_a_channel_the_post_does_not_go_to_is_not_shown(client, office, editor, approver):
    bluesky = _account(office, "bluesky", "mitte.bsky.social")
    ChannelDefault.objects.create(office=office, category="short_notice", channels=[])
    post = lifecycle.create_draft(
        office, by=editor, title="Baum", body="Kurz.", category="short_notice"
    )
    lifecycle.submit(post, by=editor)
    log_in(client, approver)
    keys = [r.key for r in _detail(client, post).context["renderings"]]
    assert "newsroom" in keys and bluesky.channel_key not in keys


def test_only_in_review(client, office, editor, approver, draft):
    log_in(client, approver)
    response = _detail(client, draft)
    assert response.context["renderings"] == []
    assert 'id="channel-texts"' not in response.content.decode()
