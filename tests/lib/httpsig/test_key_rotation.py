"""When an actor rotates its key, our cached copy is stale: the verifier asks once for a
fresh one (refresh=True) before giving up."""

import pytest

from rathaus.lib.httpsig import BadSignature, UnknownKey, generate_key_pair, sign, verify

KEY_ID = "https://social.example/users/anna#main-key"


@pytest.fixture(scope="module")
def old_keys():
    return generate_key_pair()


@pytest.fixture(scope="module")
def new_keys():
    return generate_key_pair()


class CachingLookup:
    """What a real caller does: answer from the cache, refetch from the actor on request."""

    def __init__(self, cached: str | None, remote: str | None) -> None:
        self.cached, self.remote = cached, remote
        self.calls: list[tuple[str, bool]] = []

    def __call__(self, key_id: str, refresh: bool = False) -> str | None:
        self.calls.append((key_id, refresh))
        if refresh or self.cached is None:
            self.cached = self.remote
        return self.cached


def _signed_with(private_pem):
    return sign(
        "GET", "https://presse.example/@mitte", {}, None, key_id=KEY_ID, private_pem=private_pem
    )


def _verify(headers, lookup):
    return verify("GET", "/@mitte", headers, None, public_key_for=lookup)


def test_rotated_key_is_refetched_once(old_keys, new_keys):
    lookup = CachingLookup(cached=old_keys[1], remote=new_keys[1])
    assert _verify(_signed_with(new_keys[0]), lookup).key_id == KEY_ID
    assert lookup.calls == [(KEY_ID, False), (KEY_ID, True)]
    assert lookup.cached == new_keys[1]


def test_valid_cached_key_needs_no_refetch(old_keys):
    lookup = CachingLookup(cached=old_keys[1], remote=old_keys[1])
    _verify(_signed_with(old_keys[0]), lookup)
    assert lookup.calls == [(KEY_ID, False)]


def test_refetch_that_brings_the_same_key_still_fails(old_keys, new_keys):
    lookup = CachingLookup(cached=old_keys[1], remote=old_keys[1])
    with pytest.raises(BadSignature):
        _verify(_signed_with(new_keys[0]), lookup)
    assert lookup.calls == [(KEY_ID, False), (KEY_ID, True)]


def test_forged_signature_is_refetched_only_once(old_keys):
    lookup = CachingLookup(cached=old_keys[1], remote=old_keys[1])
    forger = generate_key_pair()[0]
    with pytest.raises(BadSignature):
        _verify(_signed_with(forger), lookup)
    assert len(lookup.calls) == 2


def test_key_that_cannot_be_fetched_is_unknown(new_keys):
    lookup = CachingLookup(cached=None, remote=None)
    with pytest.raises(UnknownKey):
        _verify(_signed_with(new_keys[0]), lookup)
