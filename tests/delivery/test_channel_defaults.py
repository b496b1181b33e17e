"""Per office, which channels each category goes to by default."""

import pytest
from django.urls import reverse

from rathaus.delivery import defaults
from rathaus.delivery.models import ChannelDefault
from rathaus.offices.access import LifecycleError
from tests.helpers import log_in


@pytest.fixture
def xing(connect_account):
    return connect_account("xing", api_base="", remote_id="https://www.xing.com/pages/m")


def test_without_a_choice_every_channel_gets_every_category(xing, publish_post):
    post = publish_post(title="Sitzung", body="Am Dienstag.", category="meeting")
    assert set(post.deliveries.values_list("channel", flat=True)) == {"newsroom", xing.channel_key}


def test_a_category_restricted_to_the_newsroom_skips_the_platforms(
    xing, office, office_admin, publish_post
):
    defaults.choose(office, {"meeting": ["newsroom"]}, by=office_admin)
    meeting = publish_post(title="Sitzung", body="Am Dienstag.", category="meeting")
    emergency = publish_post(title="Warnung", body="Hochwasser.", category="emergency")
    assert set(meeting.deliveries.values_list("channel", flat=True)) == {"newsroom"}
    assert xing.channel_key in set(emergency.deliveries.values_list("channel", flat=True))


def test_the_newsroom_always_gets_the_post_even_if_unticked(
    xing, office, office_admin, publish_post
):
    defaults.choose(office, {"meeting": []}, by=office_admin)
    post = publish_post(title="Sitzung", body="Am Dienstag.", category="meeting")
    assert set(post.deliveries.values_list("channel", flat=True)) == {"newsroom"}


def test_ticking_every_channel_lifts_the_restriction(xing, office, office_admin):
    defaults.choose(office, {"meeting": ["newsroom"]}, by=office_admin)
    defaults.choose(office, {"meeting": [xing.channel_key]}, by=office_admin)
    # Stored as "no restriction", so an account connected later gets meetings too.
    assert not ChannelDefault.objects.filter(office=office, category="meeting").exists()


def test_only_an_office_admin_chooses(xing, office, editor, outsider):
    for person in (editor, outsider):
        with pytest.raises(LifecycleError):
            defaults.choose(office, {"meeting": ["newsroom"]}, by=person)
    assert not ChannelDefault.objects.exists()


def test_the_desk_page_saves_the_matrix(client, xing, office, office_admin):
    log_in(client, office_admin)
    url = reverse("desk:channels", args=[office.slug])
    page = client.get(url)
    assert page.status_code == 200
    assert f'value="{xing.channel_key}"' in page.content.decode()
    data = {"default_emergency": [xing.channel_key], "default_meeting": []}
    response = client.post(url, data)
    assert response.status_code == 302
    assert defaults.chosen(office.pk)["meeting"] == []
    assert "emergency" not in defaults.chosen(office.pk)


def test_editors_cannot_open_the_channels_page(client, office, editor):
    log_in(client, editor)
    assert client.get(reverse("desk:channels", args=[office.slug])).status_code == 403
