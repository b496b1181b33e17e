"""Instagram: the Graph API can neither change a caption nor delete a post. A correction
or a withdrawal therefore sends nothing to Instagram (the desk says it is done by hand in
the app), and a call that tries anyway fails with a message that says so."""

import pytest

from rathaus.connectors import family
from rathaus.delivery import channels
from rathaus.delivery.channels import PermanentError
from rathaus.delivery.models import Delivery
from rathaus.posts import lifecycle


@pytest.fixture
def post(connected_account, publish_photo_post):
    return publish_photo_post()


def test_corrections_and_withdrawals_send_nothing_to_instagram(
    graph, connected_account, post, approver, django_capture_on_commit_callbacks
):
    before = len(graph.requests)

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.correct(post, by=approver, note="Tippfehler", body="Neu gepflanzt.")
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.withdraw(post, by=approver, reason="Doppelt")

    actions = set(
        Delivery.objects.filter(channel=connected_account.channel_key).values_list(
            "action", flat=True
        )
    )
    assert actions == {"publish"}
    assert len(graph.requests) == before
    assert len(graph.media) == 1


def test_editing_or_deleting_anyway_says_it_is_done_by_hand(
    graph, connected_account, english_messages
):
    connector = family.connector_for(connected_account)

    assert (isinstance(connector, channels.Updates), isinstance(connector, channels.Withdraws)) == (
        False,
        False,
    )
    with pytest.raises(PermanentError, match="remove it by hand in the Instagram app"):
        connector.delete("17900000000000001")
    with pytest.raises(PermanentError, match="correct it in the Instagram app"):
        connector.edit("17900000000000001", None)
    assert graph.requests == []
