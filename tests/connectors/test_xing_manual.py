"""Xing has no posting API: the desk shows a prepared text and a share link, and the
delivery waits until an editor confirms it was posted by hand."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from rathaus.delivery import sending
from rathaus.delivery.models import Delivery
from rathaus.offices.access import LifecycleError
from tests.helpers import log_in


@pytest.fixture
def xing_delivery(connect_account, publish_post):
    account = connect_account("xing", api_base="", remote_id="https://www.xing.com/pages/m")
    post = publish_post(title="Baumfällung", body="Zwei **Linden**.", category="short_notice")
    return Delivery.objects.get(post=post, channel=account.channel_key)


def test_it_waits_for_a_person_instead_of_failing(xing_delivery):
    assert xing_delivery.status == "manual"
    assert not xing_delivery.post.partly_published


def test_the_post_page_offers_the_text_and_the_share_link(client, xing_delivery, editor):
    log_in(client, editor)
    post = xing_delivery.post
    page = client.get(reverse("desk:post_detail", args=[post.office.slug, post.pk]))
    html = page.content.decode()
    assert "Baumfällung\n\nZwei Linden." in html
    link = post.office.public_url(post.get_absolute_url())
    assert f"https://www.xing.com/spi/shares/new?url={quote(link, safe='')}" in html


def test_an_editor_confirms_with_the_link(client, xing_delivery, editor):
    log_in(client, editor)
    url = reverse("desk:delivery_confirm", args=[xing_delivery.post.office.slug, xing_delivery.pk])
    client.post(url, {"url": "https://www.xing.com/feed/posts/1"})
    xing_delivery.refresh_from_db()
    assert xing_delivery.status == "published"
    assert xing_delivery.remote_url == "https://www.xing.com/feed/posts/1"


def test_a_link_that_is_no_web_address_is_refused_and_nothing_changes(
    client, xing_delivery, editor
):
    log_in(client, editor)
    url = reverse("desk:delivery_confirm", args=[xing_delivery.post.office.slug, xing_delivery.pk])
    client.post(url, {"url": "javascript:alert(1)"})
    xing_delivery.refresh_from_db()
    assert xing_delivery.status == "manual"


def test_it_cannot_be_confirmed_twice_or_by_an_agent(xing_delivery, editor, agent):
    with pytest.raises(LifecycleError):
        sending.confirm_manual(xing_delivery, by=agent)
    sending.confirm_manual(xing_delivery, by=editor)
    with pytest.raises(LifecycleError):
        sending.confirm_manual(xing_delivery, by=editor)
