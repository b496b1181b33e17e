"""Instagram takes image posts only: a post without an image goes everywhere else (the
editor's counter says why Instagram is left out), and a caption may carry at most 30
hashtags."""

import pytest

from rathaus.connectors import family
from rathaus.delivery.models import Delivery
from rathaus.posts import lifecycle, limits


@pytest.fixture
def connect(graph, connect_account):
    return lambda: connect_account(
        "instagram", api_base=graph.url, **graph.connection_values("instagram")
    )


def test_a_post_without_image_skips_instagram_and_is_not_held_up(
    graph, connect, office, editor, approver, django_capture_on_commit_callbacks, english_messages
):
    instagram = connect()
    post = lifecycle.create_draft(office, by=editor, title="Sperrung", body="Brücke gesperrt.")
    assert limits.limit_problems(post) == {}
    lifecycle.submit(post, by=editor)
    lifecycle.approve(post, by=approver)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.publish(post, by=approver)

    assert not Delivery.objects.filter(channel=instagram.channel_key).exists()
    assert Delivery.objects.get(post=post, channel="newsroom").status == "published"
    assert graph.requests == []


def test_the_editors_counter_says_why_instagram_is_left_out(connect, office, english_messages):
    from rathaus.desk import counters

    instagram = connect()
    found = counters.count(
        office, title="Sperrung", body="Brücke gesperrt.", variants={}, alt_texts=[], link="x"
    )
    counter = next(c for c in found if c.key == instagram.channel_key)
    assert counter.problems == ["Instagram needs at least one image."]


def test_more_than_30_hashtags_are_refused(connect, english_messages):
    limits = family.connector_for(connect()).limits
    text = " ".join(f"#tag{n}" for n in range(31))

    assert limits.problems(text=text, title="", alt_texts=["Bild"]) == [
        "The text has 31 hashtags, Instagram takes at most 30."
    ]
    assert limits.problems(text=text[: text.rindex(" ")], title="", alt_texts=["Bild"]) == []
