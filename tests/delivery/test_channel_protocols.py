"""What a channel can do is the protocols it implements (no capability flags); every hook
gets one Attempt; channels.run calls the hook for the delivery's action, refuses an answer
more public than chosen and records what an answer was sent as, for every channel; the
account family is registered once for all platforms."""

import pytest

from rathaus.connectors import family
from rathaus.delivery import channels
from rathaus.delivery.channels import Attempt, Channel, PermanentError, Sent
from rathaus.delivery.models import Delivery
from rathaus.inbox import work
from tests.helpers import ask

# What every fixed channel and every platform can do, as the README's tables say.
CAN = {
    "newsroom": {"Publishes", "Updates", "Withdraws"},
    "fediverse": {"Publishes", "Updates", "Withdraws", "Answers", "Moderates"},
    "newsletter": {"Publishes"},
    "contact": {"Answers"},
    "email": {"Answers"},
    "mastodon": {"Publishes", "Updates", "Withdraws", "Answers"},
    "bluesky": {"Publishes", "Withdraws", "Answers"},
    "x": {"Publishes", "Withdraws", "Answers"},
    "telegram": {"Publishes", "Updates", "Withdraws", "Answers"},
    "facebook": {"Publishes", "Updates", "Withdraws", "Answers", "Moderates"},
    "instagram": {"Publishes", "Answers", "Moderates"},
    "linkedin": {"Publishes", "Updates", "Withdraws", "Answers", "Moderates"},
    "xing": {"PostedByHand"},
}
PROTOCOLS = ("Publishes", "Updates", "Withdraws", "PostedByHand", "Answers", "Moderates")


def _can(channel) -> set[str]:
    return {name for name in PROTOCOLS if isinstance(channel, getattr(channels, name))}


@pytest.mark.parametrize("key", ["newsroom", "fediverse", "newsletter", "contact", "email"])
def test_a_fixed_channel_can_what_it_implements(key):
    assert _can(channels.get(key)) == CAN[key]


@pytest.mark.parametrize("platform", sorted(family.platforms()))
def test_a_platform_can_what_it_is_made_of(platform, connect_account):
    account = connect_account(platform, api_base="https://api.example")

    connector = channels.get(account.channel_key)

    assert _can(connector) == CAN[platform]
    assert connector.key == account.channel_key
    assert connector.variant_key == platform
    assert family.connectors()[platform].posted_by_hand == (platform == "xing")


def test_the_account_family_is_registered_once_for_every_platform(connect_account):
    accounts = [f for f in channels._families if f is family.ACCOUNTS]
    assert len(accounts) == 1
    assert set(family.ACCOUNTS.prefixes()) == set(CAN) - {
        "newsroom",
        "fediverse",
        "newsletter",
        "contact",
        "email",
    }
    assert all(channels.is_variant_key(platform) for platform in family.platforms())
    account = connect_account("bluesky", api_base="https://bsky.example")
    assert channels.get(account.channel_key).account == account
    with pytest.raises(KeyError):
        channels.get("bluesky:9999")


def test_a_post_goes_to_the_channels_that_publish_and_to_those_posted_by_hand(
    office, connect_account
):
    connect_account("xing", api_base="", remote_id="https://www.xing.com/pages/mitte")
    keys = [c.key for c in channels.for_office(office)]

    assert keys[0] == "newsroom"
    assert "contact" not in keys and "email" not in keys
    assert any(key.startswith("xing:") for key in keys)


def test_the_first_attempt_cannot_have_gone_out(delivery_of):
    delivery = delivery_of(attempts=1, last_error="")

    attempt = Attempt.of(delivery)

    assert (attempt.number, attempt.may_have_gone_out) == (1, False)
    assert attempt.post == delivery.post and attempt.office == delivery.post.office
    assert attempt.public_url("/x/") == "https://presse.mitte.example/x/"


@pytest.mark.parametrize(("attempts", "error"), [(2, ""), (1, "timeout"), (0, "timeout")])
def test_a_later_attempt_or_a_persons_retry_may_have_gone_out(delivery_of, attempts, error):
    attempt = Attempt.of(delivery_of(attempts=attempts, last_error=error))

    assert attempt.may_have_gone_out
    assert attempt.number == max(attempts, 1)


class Recording(Channel):
    """Answers directly only, and records what its hook got."""

    key = "recording"
    name = "Recording"
    answers = frozenset({channels.DIRECT})

    def __init__(self) -> None:
        self.got: list[Attempt] = []

    def reply(self, attempt: Attempt) -> Sent:
        self.got.append(attempt)
        return Sent(remote_id=f"rec:{attempt.message_id}", url="https://rec.example/1")


@pytest.fixture
def recording():
    channel = channels.register(Recording())
    yield channel
    channels.unregister(channel.key)


def test_run_gives_the_hook_an_attempt_and_records_what_the_answer_was_sent_as(
    recording, office, agent, django_capture_on_commit_callbacks
):
    question = ask(office, channel="recording", remote_id="r:1")
    with django_capture_on_commit_callbacks(execute=True):
        answer = work.reply(question.conversation, "Danke!", by=agent)

    [attempt] = recording.got
    assert isinstance(attempt, Attempt) and attempt.message == answer
    answer.refresh_from_db()
    assert answer.remote_id == f"rec:{answer.pk}"
    assert answer.url == "https://rec.example/1"
    assert Delivery.objects.get(message=answer).status == "published"


def test_run_refuses_an_answer_more_public_than_the_channel_delivers(
    recording, office, agent, django_capture_on_commit_callbacks, english_messages
):
    question = ask(office, channel="recording", remote_id="r:2", is_public=True)
    with django_capture_on_commit_callbacks(execute=True):
        answer = work.reply(question.conversation, "Für alle", by=agent, public=False)
    delivery = Delivery.objects.get(message=answer)
    delivery.message.is_public = True  # as if it had been stored public after all

    with pytest.raises(PermanentError, match="only answer the citizen directly"):
        channels.run(recording, delivery)
    assert len(recording.got) == 1  # only the first, direct answer reached the hook


@pytest.mark.parametrize(
    ("key", "action", "words"),
    [
        ("newsletter", "withdraw", "cannot remove a published post"),
        ("newsletter", "update", "cannot change a published post"),
        ("contact", "publish", "takes no posts"),
    ],
)
def test_run_refuses_an_action_the_channel_cannot_do(published, key, action, words):
    delivery = Delivery(subject=published, channel=key, action=action)

    with pytest.raises(PermanentError, match=words):
        channels.run(channels.get(key), delivery)


@pytest.fixture
def delivery_of(published):
    def make(*, attempts: int, last_error: str) -> Delivery:
        delivery = Delivery.objects.get(post=published, channel="newsroom")
        delivery.attempts, delivery.last_error = attempts, last_error
        return delivery

    return make
