"""Date must lie within about an hour of our clock, in either direction (replay window)."""

from datetime import UTC, datetime, timedelta

import pytest

from rathaus.lib.httpsig import (
    MalformedSignature,
    StaleSignature,
    sign,
    verify,
)

KEY_ID = "https://presse.mitte.example/@mitte#main-key"
SIGNED_AT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def signed(keys):
    url = "https://social.example/users/anna"
    return sign("GET", url, {}, None, key_id=KEY_ID, private_pem=keys[0], now=SIGNED_AT)


def _verify_at(signed, keys, now, **options):
    return verify(
        "GET",
        "/users/anna",
        signed,
        None,
        public_key_for=lambda key_id, refresh=False: keys[1],
        now=now,
        **options,
    )


def test_date_is_written_as_imf_fixdate(signed):
    assert signed["Date"] == "Mon, 23 Nov 2026 10:00:00 GMT"


@pytest.mark.parametrize("offset", [timedelta(0), timedelta(minutes=59), -timedelta(minutes=59)])
def test_within_an_hour_either_way_is_accepted(signed, keys, offset):
    result = _verify_at(signed, keys, SIGNED_AT + offset)
    assert result.signed_at == SIGNED_AT


def test_older_than_an_hour_is_rejected(signed, keys):
    with pytest.raises(StaleSignature, match="ago"):
        _verify_at(signed, keys, SIGNED_AT + timedelta(minutes=61))


def test_far_future_is_rejected(signed, keys):
    with pytest.raises(StaleSignature, match="future"):
        _verify_at(signed, keys, SIGNED_AT - timedelta(minutes=61))


def test_window_is_configurable(signed, keys):
    with pytest.raises(StaleSignature):
        _verify_at(signed, keys, SIGNED_AT + timedelta(minutes=6), max_skew=300)


def test_unreadable_date_is_rejected(signed, keys):
    with pytest.raises(MalformedSignature, match="Date"):
        _verify_at(signed | {"Date": "yesterday"}, keys, SIGNED_AT)
