"""Deleting a comment in the inbox deletes it on LinkedIn too (the page may delete
comments on its posts); LinkedIn has no hiding, so a hidden comment stays there."""

from urllib.parse import quote

import pytest

from rathaus.connectors import fetching
from rathaus.inbox import work
from rathaus.inbox.models import Message
from tests.fakes.linkedin import ORGANIZATION, TOKEN


@pytest.fixture
def comment(fake, connect_account, publish_post):
    account = connect_account(
        "linkedin", api_base=fake.url, remote_id=ORGANIZATION, access_token=TOKEN
    )
    publish_post(title="Freibad", body="Das Freibad öffnet.")
    [created] = fake.live_posts()
    urn = fake.add_comment(created["id"], "Beleidigung")
    fetching.fetch(account)
    return created, urn


def test_deleting_a_comment_deletes_it_on_linkedin(
    fake, comment, agent, django_capture_on_commit_callbacks
):
    created, urn = comment
    comment_id = fake.comments[urn]["id"]

    with django_capture_on_commit_callbacks(execute=True):
        work.moderate(Message.objects.get(remote_id=urn), "delete", reason="Beleidigung", by=agent)

    [call] = fake.calls("DELETE", r"^/rest/socialActions/")
    assert (
        call.path
        == f"/rest/socialActions/{quote(created['activity'], safe='')}/comments/{comment_id}"
    )
    assert call.query == {"actor": [ORGANIZATION]}
    assert urn not in fake.comments
    assert Message.objects.get(remote_id=urn).removed_at is not None


def test_hiding_is_recorded_in_the_inbox_only(
    fake, comment, agent, django_capture_on_commit_callbacks
):
    _created, urn = comment

    with django_capture_on_commit_callbacks(execute=True):
        work.moderate(Message.objects.get(remote_id=urn), "hide", reason="Werbung", by=agent)

    assert not fake.calls("DELETE", r"^/rest/socialActions/")
    assert urn in fake.comments
    assert Message.objects.get(remote_id=urn).hidden_at is not None


def test_a_failing_deletion_on_linkedin_keeps_the_inbox_decision(
    fake, comment, agent, django_capture_on_commit_callbacks
):
    _created, urn = comment
    fake.fail_next(500, path=r"^/rest/socialActions/")

    with django_capture_on_commit_callbacks(execute=True):
        work.moderate(Message.objects.get(remote_id=urn), "delete", reason="Spam", by=agent)

    assert Message.objects.get(remote_id=urn).removed_at is not None
    assert urn in fake.comments
