"""Per-address rate limit: the sixth message within ten minutes is refused with 429 and
stored nowhere; the address itself is kept only as a keyed hash, never in clear. The count
lives in the cache every web worker shares (granian runs two): another process sees it."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.core.cache import caches
from django.db import connection
from django.utils import timezone

from rathaus.inbox.models import Message
from rathaus.lib import spam

ADDRESS = "203.0.113.57"


def _send(client, address=ADDRESS, text="Frage"):
    return client.post(
        "/mitte/kontakt/",
        {"message": text, "nonce": spam.new_nonce()},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="en",
    )


cache = caches["shared"]


def _cache_keys() -> list[str]:
    if hasattr(cache, "_table"):  # a database table (the embedded default)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT cache_key FROM {cache._table}")
            return [row[0] for row in cursor.fetchall()]
    return [key.decode() for key in cache._cache.get_client().keys("*")]  # Redis


def _another_process(settings) -> None:
    """What another web worker sees: a default cache of its own (in the embedded default it
    is per process, and knows nothing), and the same shared cache."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "2"},
    }


def test_the_sixth_message_in_ten_minutes_is_refused(client, office):
    for number in range(5):
        assert _send(client, text=f"Frage {number}").status_code == 200
    response = _send(client, text="Noch eine Frage")
    assert response.status_code == 429
    assert "Please wait ten minutes" in response.text
    assert "Noch eine Frage" in response.text  # the text is kept for later
    assert Message.objects.count() == 5
    assert _send(client, address="198.51.100.9").status_code == 200


def test_another_web_worker_knows_the_count(client, office, settings):
    for number in range(3):
        assert _send(client, text=f"Frage {number}").status_code == 200
    _another_process(settings)
    for number in range(3, 5):
        assert _send(client, text=f"Frage {number}").status_code == 200
    assert _send(client, text="Noch eine Frage").status_code == 429
    assert Message.objects.count() == 5


def _seconds_left(key: str) -> float:
    full_key = cache.make_and_validate_key(key)
    if hasattr(cache, "_table"):  # a database table
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(cache._table)
            cursor.execute(f"SELECT expires FROM {table} WHERE cache_key = %s", [full_key])
            expires = cursor.fetchone()[0]
        if isinstance(expires, str):  # SQLite hands the column back as text
            expires = datetime.fromisoformat(expires)
        if timezone.is_naive(expires):
            expires = expires.replace(tzinfo=UTC)
        return (expires - timezone.now()).total_seconds()
    return cache._cache.get_client().ttl(full_key)  # Redis


def test_the_count_is_forgotten_after_ten_minutes(client, office):
    for number in range(5):
        _send(client, text=f"Frage {number}")
    assert _send(client).status_code == 429
    assert 0 < _seconds_left(spam.rate_key_for(ADDRESS)) <= 600


def test_a_new_day_gives_a_new_key(office):
    today = spam.rate_key_for(ADDRESS)
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert spam.rate_key_for(ADDRESS) != today


def test_the_address_is_kept_only_as_a_hash(client, office):
    _send(client)
    keys = [key for key in _cache_keys() if "contact:rate:" in key]
    assert len(keys) == 1
    assert ADDRESS not in keys[0]
    assert keys[0].endswith(spam.rate_key_for(ADDRESS))
    digest = keys[0].rsplit(":", 1)[1]
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert cache.get(spam.rate_key_for(ADDRESS)) == 1


def test_form_errors_do_not_count_against_the_limit(client, office):
    for _ in range(6):
        assert _send(client, text="").status_code == 400
    assert _send(client).status_code == 200
