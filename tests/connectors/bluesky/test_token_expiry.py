"""Sessions: the access token is refreshed before it runs out and the new tokens are kept
(a refresh token works once); when the refresh token has expired or was revoked, the
account needs to be connected again."""

from datetime import timedelta

from rathaus.delivery.models import Delivery


def statuses(post, account):
    account.refresh_from_db()
    return Delivery.objects.get(post=post, channel=account.channel_key).status, account.status


def test_an_expired_refresh_token_needs_reauthorisation(fake, connect_account, publish_post):
    gone = timedelta(seconds=-60)
    account = fake.connect(connect_account, access_in=gone, refresh_in=gone)

    post = publish_post(title="Sperrung", body="Die Brücke ist gesperrt.")

    assert statuses(post, account) == ("needs_reauth", "needs_reauth")
    assert "ExpiredToken" in account.problem
    assert fake.calls("POST", r"refreshSession$")
    assert not fake.posts()


def test_an_access_token_about_to_expire_is_refreshed_and_kept(fake, connect_account, publish_post):
    account = fake.connect(connect_account, access_in=timedelta(minutes=10))
    old_access, old_refresh = account.access_token, account.refresh_token

    post = publish_post(title="Sperrung", body="Die Brücke ist gesperrt.")

    assert statuses(post, account) == ("published", "active")
    [refresh] = fake.calls("POST", r"refreshSession$")
    assert refresh.bearer == old_refresh
    assert fake.tokens[old_refresh].revoked
    assert account.access_token not in (old_access, "")
    assert account.refresh_token not in (old_refresh, "")
    [created] = fake.calls("POST", r"createRecord$")
    assert created.bearer == account.access_token


def test_a_token_the_server_holds_for_expired_gets_one_refresh(
    fake, connected_account, publish_post
):
    fake.expire(connected_account.access_token)

    post = publish_post(title="Sperrung", body="Die Brücke ist gesperrt.")

    assert statuses(post, connected_account) == ("published", "active")
    assert len(fake.calls("POST", r"refreshSession$")) == 1
    assert len(fake.posts()) == 1
    assert fake.tokens[connected_account.access_token].exp > 0


def test_a_revoked_session_needs_reauthorisation(fake, connected_account, publish_post, send_all):
    fake.expire(connected_account.access_token)
    fake.revoke(connected_account.refresh_token)

    post = publish_post(title="Sperrung", body="Die Brücke ist gesperrt.")

    assert statuses(post, connected_account) == ("needs_reauth", "needs_reauth")
    assert "InvalidToken" in connected_account.problem
    # Nothing is tried again until an admin connects the account again.
    calls = len(fake.requests)
    send_all()
    assert len(fake.requests) == calls
