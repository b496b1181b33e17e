"""A delivery's subject (a post, or an answer to a citizen) is generic at the schema level:
the delivery layer is below posts and the inbox. Queries, deletion and the read access the
channels use work as they did with the two foreign keys."""

from __future__ import annotations

import pytest
from django.db.models import Q

from rathaus.delivery.models import Delivery, load_subjects
from rathaus.posts import lifecycle
from tests.helpers import ask


def make(subject, key: str, channel: str = "newsroom") -> Delivery:
    return Delivery.objects.create(
        subject=subject, channel=channel, content_hash="x", idempotency_key=key
    )


@pytest.fixture
def two_offices(office, other_office, editor, outsider):
    """A post and a citizen's message in each office, each with one delivery."""
    mine = lifecycle.create_draft(office, by=editor, title="Mitte", body="m")
    theirs = lifecycle.create_draft(other_office, by=outsider, title="Nord", body="n")
    question = ask(office, remote_id="q:mine")
    other_question = ask(other_office, remote_id="q:theirs")
    return {
        "post": (mine, make(mine, "p1")),
        "other_post": (theirs, make(theirs, "p2")),
        "message": (question, make(question, "m1", "contact")),
        "other_message": (other_question, make(other_question, "m2", "contact")),
    }


def test_deliveries_are_found_through_their_post_or_message(two_offices, office):
    post, of_post = two_offices["post"]
    message, of_message = two_offices["message"]
    assert list(Delivery.objects.filter(post=post)) == [of_post]
    assert list(Delivery.objects.filter(post__office=office)) == [of_post]
    assert list(Delivery.objects.filter(message=message)) == [of_message]
    assert list(Delivery.objects.filter(message__conversation=message.conversation)) == [of_message]
    assert list(Delivery.objects.filter(message__isnull=False).order_by("pk")) == [
        of_message,
        two_offices["other_message"][1],
    ]
    assert list(post.deliveries.all()) == [of_post]
    assert list(message.deliveries.all()) == [of_message]


def test_a_post_and_a_message_of_the_same_id_are_told_apart(two_offices):
    # Ids of posts and messages overlap: only the content type separates them.
    post, of_post = two_offices["post"]
    message, of_message = two_offices["message"]
    Delivery.objects.filter(pk=of_message.pk).update(subject_id=post.pk)
    assert list(Delivery.objects.filter(post=post)) == [of_post]
    assert list(post.deliveries.all()) == [of_post]
    moved = Delivery.objects.get(pk=of_message.pk)
    assert (moved.post, moved.message_id) == (None, post.pk)
    if message.pk != post.pk:
        assert not Delivery.objects.filter(message=message).exists()


def test_an_office_finds_its_post_and_answer_deliveries_only(two_offices, office):
    # As the desk looks a delivery up (``tenancy.delivery_of``): one OR over both subjects.
    found = Delivery.objects.filter(Q(post__office=office) | Q(message__office=office))
    assert set(found) == {two_offices["post"][1], two_offices["message"][1]}


def test_the_read_access_of_channels_and_desk(two_offices, office):
    post, of_post = two_offices["post"]
    message, of_message = two_offices["message"]
    of_post = Delivery.objects.get(pk=of_post.pk)
    of_message = Delivery.objects.get(pk=of_message.pk)
    assert (of_post.post, of_post.post_id, of_post.message, of_post.message_id) == (
        post,
        post.pk,
        None,
        None,
    )
    assert (of_message.post, of_message.post_id, of_message.message, of_message.message_id) == (
        None,
        None,
        message,
        message.pk,
    )
    assert of_post.office == office and of_message.office == office
    # The audit log files a delivery under the post, or an answer's conversation.
    assert of_post.audit_subject == post
    assert of_message.audit_subject == message.conversation
    assert str(of_post) == f"newsroom publish post#{post.pk}: queued"


def test_deleting_a_post_or_a_message_deletes_its_deliveries_only(two_offices):
    post, _ = two_offices["post"]
    message, _ = two_offices["message"]
    post.delete()
    message.delete()
    assert set(Delivery.objects.values_list("pk", flat=True)) == {
        two_offices["other_post"][1].pk,
        two_offices["other_message"][1].pk,
    }


def test_a_batch_loads_its_subjects_and_offices_at_once(
    two_offices, office, django_assert_num_queries
):
    # The worker's batch (``background.handle``): a query per kind of subject, however many.
    deliveries = list(Delivery.objects.order_by("pk"))
    with django_assert_num_queries(2):
        load_subjects(deliveries)
    with django_assert_num_queries(0):
        offices = [delivery.office for delivery in deliveries]
        subjects = [delivery.post or delivery.message for delivery in deliveries]
    assert offices[0] == office
    assert subjects[0] == two_offices["post"][0]
