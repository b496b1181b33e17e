"""Facebook: when the answer to a post is lost (Meta created the post, the connection
broke), the retry looks through the page's recent posts first, finds it, and does not
post it a second time."""

from rathaus.delivery.models import Delivery
from tests.fakes.graph import PAGE_ID


def test_the_retry_finds_the_post_and_posts_nothing_twice(
    graph, connected_account, publish_post, send_all
):
    graph.drop_after_handling_next()

    publish_post(title="Sperrung", body="Die Brücke ist gesperrt.")

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.status == "queued"
    assert len(graph.posts) == 1  # Meta has it, we did not hear so

    assert send_all()[connected_account.channel_key] == "published"

    [created] = graph.posts.values()
    assert graph.posts_by_account() == {PAGE_ID: [created["message"]]}
    assert len(graph.calls("POST", r"/feed$")) == 1
    assert graph.calls("GET", rf"^/v21\.0/{PAGE_ID}/posts$")
    delivery.refresh_from_db()
    assert delivery.remote_id == created["id"]
    assert delivery.remote_url == created["permalink_url"]
