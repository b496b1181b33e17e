"""Check before retry: when X made the post but its answer got lost, the retry finds the
post among the account's latest ones (X gives the text back with t.co links and escaped
"&": both are undone before comparing) and does not post it twice."""

from rathaus.delivery.models import Delivery

LONG = " ".join(f"Satz {n}: Parken & Laden in der Lindenallee ist gesperrt." for n in range(12))


def test_a_lost_answer_does_not_make_a_second_post(connected_account, fake, publish_post, send_all):
    fake.drop_after_handling_next()

    publish_post(title="Parken & Laden", body="Ab Montag gilt in der Lindenallee Tempo 20.")
    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.status == "queued"
    [tweet] = fake.posts_of("1")
    assert "t.co" in tweet["text"] and "&amp;" in tweet["text"]

    assert send_all()[connected_account.channel_key] == "published"

    delivery.refresh_from_db()
    assert len(fake.posts_of("1")) == 1
    assert delivery.remote_id == tweet["id"]
    assert len(fake.calls("POST", r"^/2/tweets$")) == 1
    [lookup] = fake.calls("GET", r"^/2/users/1/tweets$")
    assert "entities" in lookup.query["tweet.fields"][0]


def test_a_thread_goes_on_after_the_part_whose_answer_got_lost(
    connected_account, fake, publish_post, send_all
):
    fake.fail_tweet_number(3, status=503)  # the retry starts after part 2
    publish_post(title="Sperrung", body=LONG)
    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert len(delivery.remote_parts) == 2
    # The third part is made, but its answer never arrives.
    fake.drop_after_handling_next()
    Delivery.objects.filter(pk=delivery.pk).update(status="queued")
    send_all(rounds=1)

    assert send_all()[connected_account.channel_key] == "published"

    tweets = fake.posts_of("1")
    delivery.refresh_from_db()
    assert len({t["posted"] for t in tweets}) == len(tweets)
    assert [p["id"] for p in delivery.remote_parts] == [t["id"] for t in tweets]
    assert [t["reply_to"] for t in tweets] == ["", *[t["id"] for t in tweets[:-1]]]


def test_another_post_with_the_same_words_is_not_taken_for_ours(
    connected_account, fake, publish_post, send_all
):
    fake.drop_after_handling_next()
    first = publish_post(title="Sprechstunde", body="Die Sprechstunde fällt heute aus.")
    [made] = fake.posts_of("1")
    # The same words, but the link of another post: a different post.
    other = "https://presse.mitte.example/p/other"
    link = made["urls"][0]["expanded_url"]
    made["urls"][0]["expanded_url"], made["posted"] = other, made["posted"].replace(link, other)

    send_all()

    assert len(fake.posts_of("1")) == 2
    delivery = Delivery.objects.get(channel=connected_account.channel_key, post=first)
    assert delivery.remote_id != made["id"]
