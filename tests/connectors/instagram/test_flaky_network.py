"""Instagram: on a network where every fifth call fails with a 503 and answers get lost,
every image post still reaches the account — exactly once."""

from rathaus.delivery.models import Delivery
from tests.fakes.graph import IG_ID, publish_with_images
from tests.helpers import png


def test_every_post_arrives_once(
    graph, connect_account, office, editor, approver, django_capture_on_commit_callbacks, send_all
):
    instagram = connect_account(
        "instagram", api_base=graph.url, **graph.connection_values("instagram")
    )
    graph.failure_rate = 0.2
    graph.drop_after_handling(r"/media_publish$")

    for number in range(6):
        files = [png(f"{number}-{n}.png") for n in range(1 + number % 2)]  # photos, carousels
        publish_with_images(
            office,
            editor,
            approver,
            django_capture_on_commit_callbacks,
            files,
            title=f"Meldung {number}",
            body=f"Text der Meldung {number}.",
        )
    send_all(rounds=30)

    deliveries = Delivery.objects.filter(channel=instagram.channel_key)
    assert {d.status for d in deliveries} == {"published"}
    assert any(d.attempts > 1 for d in deliveries)  # the trouble did happen
    captions = graph.posts_by_account()[IG_ID]
    assert len(captions) == len(set(captions)) == 6
    assert {d.remote_id for d in deliveries} == set(graph.media)
