"""How every connector sorts a platform's trouble: a server error is temporary (retried
after a short backoff, then published once), a rate limit is waited out as long as the
platform says and never slept through in a worker, a refusal fails at once with the
platform's own words, and a token the platform no longer takes stops the account until an
admin connects it again, telling the office's admins."""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from rathaus.connectors.models import ConnectedAccount
from tests.connectors.contract.platforms import PLATFORMS, each


@pytest.mark.parametrize(
    ("platform", "status"),
    [(p, status) for p in PLATFORMS for status in p.server_error_statuses],
    ids=[f"{p.name}-{status}" for p in PLATFORMS for status in p.server_error_statuses],
)
def test_a_server_error_is_retried_and_the_post_goes_out_once(
    platform, status, fake, connected_account, publish_one, send_all
):
    platform.server_error(fake, status)
    before = timezone.now()

    delivery = publish_one()

    delivery.refresh_from_db()
    assert delivery.status == "queued"
    assert delivery.attempts == 1
    assert platform.server_error_says(status) in delivery.last_error
    # The usual backoff (30 s and jitter), not a rate-limit window the answer may name.
    assert delivery.next_attempt_at < before + timedelta(seconds=60)
    assert platform.posts(fake) == []
    assert len(fake.calls("POST", platform.post_path)) == 1  # the client library did not retry

    assert send_all()[connected_account.channel_key] == "published"

    delivery.refresh_from_db()
    [part] = platform.posts(fake)
    assert delivery.last_error == ""
    assert delivery.attempts == 2
    assert delivery.remote_id == part.id
    assert fake.posts_by_account() == {connected_account.remote_id: [part.text]}
    assert len(fake.calls("POST", platform.post_path)) == 2


@pytest.mark.parametrize(
    ("platform", "refusal"),
    [(p, refusal) for p in PLATFORMS for refusal in p.refusals],
    ids=[f"{p.name}-{refusal.name}" for p in PLATFORMS for refusal in p.refusals],
)
def test_a_refusal_fails_at_once_with_the_platforms_words(
    platform, refusal, fake, connected_account, publish_one, send_all
):
    refusal.script(fake)

    delivery = publish_one()

    delivery.refresh_from_db()
    connected_account.refresh_from_db()
    assert delivery.status == "failed"
    assert delivery.attempts == 1
    for words in refusal.says:
        assert words in delivery.last_error
    if refusal.exactly:
        assert delivery.last_error == refusal.exactly
    if refusal.starts:
        assert delivery.last_error.startswith(refusal.starts)
    assert platform.posts(fake) == []
    assert connected_account.status == ConnectedAccount.Status.ACTIVE  # no reason to reconnect
    send_all()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 1)  # not tried again


@each(PLATFORMS)
def test_a_rate_limit_is_waited_out_as_long_as_the_platform_says(
    platform, fake, connected_account, publish_one, send_all
):
    platform.rate_limit(fake, 600)
    before, started = timezone.now(), time.monotonic()

    delivery = publish_one()

    delivery.refresh_from_db()
    assert time.monotonic() - started < 10  # thrown, not slept through
    assert delivery.status == "queued"
    assert platform.rate_limit_says(600) in delivery.last_error
    assert delivery.next_attempt_at >= before + timedelta(seconds=600)
    assert platform.posts(fake) == []

    assert send_all()[connected_account.channel_key] == "published"

    [part] = platform.posts(fake)
    assert fake.posts_by_account() == {connected_account.remote_id: [part.text]}


@each(PLATFORMS)
def test_a_token_the_platform_no_longer_takes_stops_the_account_and_its_admins_are_told(
    platform, fake, connected_account, office_admin, publish_one, send_all
):
    office_admin.email = "otto@mitte.example"
    office_admin.save()
    platform.expire(fake, connected_account)

    delivery = publish_one()

    delivery.refresh_from_db()
    connected_account.refresh_from_db()
    assert delivery.status == "needs_reauth"
    assert platform.expired_says in delivery.last_error
    assert connected_account.status == ConnectedAccount.Status.NEEDS_REAUTH
    assert platform.expired_problem in connected_account.problem
    [message] = mail.outbox
    assert message.to == ["otto@mitte.example"]
    assert platform.expired_problem in message.body
    assert platform.posts(fake) == []
    # Nothing is tried again until an admin connects the account again.
    calls = len(fake.requests)
    send_all()
    assert len(fake.requests) == calls
