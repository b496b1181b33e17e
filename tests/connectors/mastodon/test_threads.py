"""A text longer than the server allows goes out as a numbered thread: every part answers
the one before it (in_reply_to_id), and each fits the server's own limit (the thread itself: the contract)."""

from rathaus.delivery.models import Delivery
from tests.fakes.mastodon import FakeMastodon

SENTENCE = "Die Sanierung der Lindenallee beginnt am Montag mit der Sperrung der Fahrbahn. "


def test_a_server_with_a_higher_limit_gets_fewer_parts(
    connect_account, publish_post, loopback_platforms
):
    with FakeMastodon(max_characters=5000) as server:
        account = connect_account("mastodon", api_base=server.url, **server.connection_values())
        publish_post(title="Lindenallee", body=SENTENCE * 15)

        [status] = server.posted()
    assert SENTENCE.strip() in status.text
    assert Delivery.objects.get(channel=account.channel_key).status == "published"
