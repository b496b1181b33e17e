"""Facebook: Meta's server errors (HTTP 5xx, codes 1 and 2) are temporary — the delivery
is queued and goes out on the next attempt, once. A photo upload, which leaves nothing
visible behind, is tried again at once within the same attempt. (An HTTP 5xx: the contract, tests/connectors/contract/.)"""

from rathaus.delivery.models import Delivery
from tests.fakes.graph import publish_with_images
from tests.helpers import png


def test_a_transient_service_error_is_retried(graph, connected_account, publish_post, send_all):
    graph.error_next(
        2, "An unexpected error has occurred. Please retry your request later.", status=500
    )

    publish_post(title="Sperrung", body="Die Brücke ist gesperrt.")

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.status == "queued"
    assert "Please retry your request later. (code 2" in delivery.last_error
    assert send_all()[connected_account.channel_key] == "published"


def test_a_failed_photo_upload_is_tried_again_at_once(
    graph, connected_account, office, editor, approver, django_capture_on_commit_callbacks
):
    graph.fail_next(503, headers={"Retry-After": "0"}, path=r"/photos$")

    publish_with_images(
        office,
        editor,
        approver,
        django_capture_on_commit_callbacks,
        [png()],
        title="Linden",
        body="Neu.",
    )

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.status == "published"
    assert delivery.attempts == 1
    assert len(graph.calls("POST", r"/photos$")) == 2
    [created] = graph.posts.values()
    assert created["photos"] == list(graph.photos)
