"""When LinkedIn created the post but the answer got lost, the retry finds the post among
the page's recent posts (Posts API, q=author) and does not post it twice."""

from rathaus.delivery.models import Delivery
from tests.fakes.linkedin import ORGANIZATION


def test_the_retry_finds_the_post_instead_of_posting_again(
    fake, connected_account, publish_post, send_all
):
    fake.drop_after_handling_next()
    post = publish_post(title="Feuerwerk", body="Feuerwerk ist in der Altstadt verboten (§ 23).")

    delivery = Delivery.objects.get(post=post, channel=connected_account.channel_key)
    assert delivery.status == Delivery.Status.QUEUED
    assert len(fake.live_posts()) == 1  # LinkedIn has it, we did not hear of it

    assert send_all()[connected_account.channel_key] == Delivery.Status.PUBLISHED
    [created] = fake.live_posts()
    delivery.refresh_from_db()
    [finder] = fake.calls("GET", r"^/rest/posts$")
    assert finder.query == {"author": [ORGANIZATION], "q": ["author"], "count": ["20"]}
    assert finder.headers["x-restli-method"] == "FINDER"
    assert len(fake.calls("POST", r"^/rest/posts$")) == 1
    assert fake.refused_duplicates == []
    assert delivery.remote_id == created["id"]
    assert delivery.remote_url == f"https://www.linkedin.com/feed/update/{created['id']}/"


def test_a_retry_that_finds_nothing_posts(fake, connected_account, publish_post, send_all):
    fake.fail_next(503, path=r"^/rest/posts$")
    publish_post(title="Feuerwerk", body="Silvester: Verkauf ab dem 28.")

    assert send_all()[connected_account.channel_key] == Delivery.Status.PUBLISHED
    assert len(fake.calls("GET", r"^/rest/posts$")) == 1
    assert len(fake.live_posts()) == 1
