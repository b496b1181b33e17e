"""After a correction the post's page names the channels that still show the old text
(platforms that cannot edit a post, such as Bluesky and X, and Xing's copy posted by hand)
and what can be done; the correction's preview promises them no new text or thread."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from rathaus.connectors.models import ConnectedAccount
from rathaus.delivery.models import Delivery
from rathaus.posts import lifecycle
from tests.helpers import log_in

LONG = " ".join(["Die Lindenallee wird zwischen Hausnummer 4 und 40 gesperrt."] * 12)


def _received(post, platform, name, *, url="", sent=None):
    """``post`` as it went out on a connected account of ``platform`` (no platform called)."""
    account = ConnectedAccount.objects.create(
        office=post.office, platform=platform, name=name, remote_id=f"{platform}-{name}"
    )
    key = account.channel_key
    Delivery.objects.create(
        subject=post,
        channel=key,
        action=Delivery.Action.PUBLISH,
        content_hash=post.approved_hash,
        idempotency_key=f"{post.pk}:{key}:publish:{post.approved_hash}",
        status=Delivery.Status.PUBLISHED,
        remote_url=url,
        sent_at=sent or timezone.now() - timedelta(minutes=5),
    )
    return account


def _correct(post, approver, capture, **fields):
    with capture(execute=True):
        return lifecycle.correct(post, by=approver, note="Uhrzeit korrigiert.", **fields)


def test_the_page_names_the_channels_that_keep_the_old_text(
    client, office, approver, published, django_capture_on_commit_callbacks
):
    bluesky = _received(published, "bluesky", "mitte.bsky.social", url="https://bsky.app/p/1")
    xing = _received(published, "xing", "bezirksamt-mitte")
    _correct(published, approver, django_capture_on_commit_callbacks, title="Neuer Titel")
    log_in(client, approver, language="en")  # the options name the newsroom in German

    response = client.get(reverse("desk:post_detail", args=[office.slug, published.pk]))
    assert [c.key for c in response.context["still_old"]] == [
        bluesky.channel_key,
        xing.channel_key,
    ]
    html = response.content.decode()
    panel = html[html.index('id="still-old"') : html.index('class="detail"')]
    assert "Bluesky: mitte.bsky.social" in panel and "Xing: bezirksamt-mitte" in panel
    assert 'href="https://bsky.app/p/1"' in panel
    # Xing's copy is changed by hand: the corrected text to paste is there.
    assert "Neuer Titel" in panel[panel.index("Xing") :]
    # The newsroom changes the post itself: not named.
    assert "Newsroom" not in panel and "Newsroom" not in str(response.context["still_old"])


def test_a_channel_that_sent_after_the_correction_is_not_named(
    client, office, approver, published, django_capture_on_commit_callbacks
):
    _received(published, "x", "bamitte", sent=timezone.now() + timedelta(minutes=5))
    _correct(published, approver, django_capture_on_commit_callbacks, title="Neuer Titel")
    log_in(client, approver)
    response = client.get(reverse("desk:post_detail", args=[office.slug, published.pk]))
    assert response.context["still_old"] == []
    assert 'id="still-old"' not in response.content.decode()


def test_nothing_before_a_correction(client, office, approver, published):
    _received(published, "bluesky", "mitte.bsky.social")
    log_in(client, approver)
    response = client.get(reverse("desk:post_detail", args=[office.slug, published.pk]))
    assert response.context["still_old"] == []


def test_the_correction_preview_promises_no_thread_where_nothing_can_change(
    client, office, approver, published
):
    bluesky = _received(published, "bluesky", "mitte.bsky.social")
    log_in(client, approver)

    page = client.get(reverse("desk:post_correct", args=[office.slug, published.pk]))
    html = page.content.decode()
    assert 'name="correction" value="1"' in html
    assert "Bluesky: mitte.bsky.social" in html[html.index("kept-old") :]

    response = client.post(
        reverse("desk:preview", args=[office.slug]),
        {"title": "Sperrung", "body": LONG, "post_id": published.pk, "correction": "1"},
    )
    preview = response.content.decode()
    kept = preview[preview.index("kept-old") :]
    assert "Bluesky: mitte.bsky.social" in kept
    assert f'id="counter-{bluesky.channel_key}"' not in preview  # no counter, no thread
    assert 'id="counter-newsroom"' in preview
    # The editor's preview (no correction) still shows Bluesky's thread.
    editing = client.post(
        reverse("desk:preview", args=[office.slug]),
        {"title": "Sperrung", "body": LONG, "post_id": published.pk},
    ).content.decode()
    assert f'id="counter-{bluesky.channel_key}"' in editing and "kept-old" not in editing


def test_the_preview_says_when_a_thread_there_gets_longer(client, office, approver, published):
    mastodon = _received(published, "mastodon", "presse")
    Delivery.objects.filter(channel=mastodon.channel_key).update(
        remote_parts=[{"id": "1", "url": "https://social.example/@presse/1"}]
    )
    log_in(client, approver, language="en")
    url = reverse("desk:preview", args=[office.slug])
    data = {"title": "Sperrung", "post_id": published.pk, "correction": "1"}

    preview = client.post(url, {**data, "body": LONG}).content.decode()
    assert f'id="counter-{mastodon.channel_key}"' in preview  # Mastodon edits: it is counted
    refitted = preview[preview.index('class="problems-box refitted"') :]
    assert "Mastodon: presse" in refitted and "published as 1 posts" in refitted
    assert "added at its end" in refitted

    short = client.post(url, {**data, "body": "Kurz."}).content.decode()
    assert "refitted" not in short  # one post there, one post corrected
