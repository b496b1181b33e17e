"""Check before retry: when the platform made the post but its answer got lost (the
connection broke after the request went out), the retry first looks among the account's
own recent posts, finds it and posts nothing a second time; the same for an answer to a
citizen, where the platform lets us read it back."""

from rathaus.delivery.models import Delivery
from tests.connectors.contract.platforms import PLATFORMS, each
from tests.helpers import reply_as

ANSWERS_FOUND = [p for p in PLATFORMS if p.answers_found_after_loss]
THREADS_READ = [p for p in PLATFORMS if p.citizen_replies_in_thread]


@each(PLATFORMS)
def test_a_post_whose_answer_got_lost_is_found_and_not_posted_twice(
    platform, fake, connected_account, publish_one, send_all
):
    platform.drop(fake)

    delivery = publish_one()

    delivery.refresh_from_db()
    assert delivery.status == "queued"
    assert platform.lost_answer_says in delivery.last_error
    assert len(platform.posts(fake)) == 1  # the platform has it; we never heard so

    assert send_all()[connected_account.channel_key] == "published"

    delivery.refresh_from_db()
    [part] = platform.posts(fake)
    assert fake.posts_by_account() == {connected_account.remote_id: [part.text]}
    assert len(fake.calls("POST", platform.post_path)) == 1
    assert platform.lookup(fake)  # it looked before posting again
    assert delivery.remote_id == part.id
    assert delivery.remote_url == platform.found_url(fake, part)


@each(ANSWERS_FOUND)
def test_an_answer_whose_reply_got_lost_is_not_sent_twice(
    platform, fake, question, agent, send_all, django_capture_on_commit_callbacks
):
    _written, message = question
    fake.drop_after_handling_next()
    before = len(fake.calls("POST", platform.answer_path))  # our post may have gone that way

    answer = reply_as(
        agent, message.conversation, "Bis Freitag.", django_capture_on_commit_callbacks
    )

    assert Delivery.objects.get(message=answer).status == "queued"
    send_all()
    delivery = Delivery.objects.get(message=answer)
    answer.refresh_from_db()
    [ours] = platform.answers(fake)
    assert delivery.status == "published"
    assert delivery.last_error == ""
    assert delivery.remote_id == answer.remote_id == ours.id
    assert len(fake.calls("POST", platform.answer_path)) == before + 1


@each(THREADS_READ)
def test_a_citizens_reply_of_the_same_words_is_not_taken_for_our_answer(
    platform, fake, question, agent, send_all, django_capture_on_commit_callbacks
):
    # The first attempt never reaches the platform; before the retry a citizen writes our
    # very words in the thread our answer goes into. The retry must still send ours.
    written, message = question
    fake.fail_next(503, path=platform.answer_path)

    answer = reply_as(
        agent, message.conversation, "Bis Freitag.", django_capture_on_commit_callbacks
    )
    assert Delivery.objects.get(message=answer).status == "queued"
    platform.citizen_replies_in_thread(fake, written, "Bis Freitag.")

    send_all()
    delivery = Delivery.objects.get(message=answer)
    [ours] = platform.answers(fake)
    assert (delivery.status, delivery.remote_id) == ("published", ours.id)
    assert ours.text == "Bis Freitag."
