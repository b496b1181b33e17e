"""A text longer than X's 280 weighted characters goes out as a numbered thread: every
part answers the one before (reply.in_reply_to_tweet_id), and the first part's address
is the delivery's. The thread is in the contract; here, how X weighs other scripts."""

from rathaus.connectors.platforms._x_text import weighted_length
from rathaus.delivery.models import Delivery


def test_text_in_a_script_that_weighs_double_is_cut_by_xs_count(
    connected_account, fake, publish_post
):
    body = " ".join(["通知道路封闭"] * 30)  # 209 characters, but 389 by X's count

    publish_post(title="通知", body=body)

    tweets = fake.posts_of("1")
    assert Delivery.objects.get(channel=connected_account.channel_key).status == "published"
    assert len(tweets) == 2
    assert all(weighted_length(t["posted"]) <= 280 for t in tweets)
