"""Facebook: what Meta refuses for good (invalid parameters, missing permissions, content
deemed abusive, a duplicate post) fails the delivery with Meta's own message, code and
trace id, so that the desk can say what happened."""

import pytest

from rathaus.delivery.models import Delivery


@pytest.mark.parametrize(
    ("code", "message", "status"),
    [
        (100, "(#100) Invalid parameter", 400),
        (200, "(#200) The user hasn't authorized the application to perform this action", 403),
        (
            368,
            "(#368) The action attempted has been deemed abusive or is otherwise disallowed",
            400,
        ),
        (506, "(#506) Duplicate status message", 400),
    ],
)
def test_a_refusal_fails_with_metas_message(
    graph, connected_account, publish_post, code, message, status
):
    graph.error_next(code, message, status=status, path=r"/feed$")

    publish_post(title="Sperrung", body="Die Brücke ist gesperrt.")

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    connected_account.refresh_from_db()
    assert delivery.status == "failed"
    assert delivery.last_error == f"Facebook: {message} (code {code}, fbtrace_id AbCdEfGh123)"
    assert delivery.attempts == 1
    assert connected_account.status == "active"
    assert graph.posts == {}
