"""A post goes out in its own language to every platform that takes one (Bluesky's langs,
Mastodon's language): an English post was tagged German on Bluesky, with every part of a
thread. Answers, whose language nobody chose, keep the site's."""

import pytest

ENGLISH = " ".join(
    f"Sentence {n}: the bridge on Canal Street is closed until May." for n in range(12)
)


@pytest.mark.parametrize(("language", "tag"), [("en", "en"), ("de", "de")])
def test_bluesky_tags_every_part_with_the_posts_language(
    bluesky, connect_account, publish_post, language, tag
):
    bluesky.connect(connect_account)

    publish_post(title="Bridge closed", body=ENGLISH, language=language)

    records = bluesky.posts()
    assert len(records) > 1  # a thread: every part carries it
    assert {tuple(r.value["langs"]) for r in records} == {(tag,)}


@pytest.mark.parametrize(("language", "tag"), [("en", "en"), ("de", "de")])
def test_mastodon_gets_the_posts_language(mastodon, connect_account, publish_post, language, tag):
    mastodon.connect(connect_account)

    publish_post(title="Bridge closed", body=ENGLISH * 2, language=language)

    statuses = mastodon.posted()
    assert len(statuses) > 1
    assert {s.language for s in statuses} == {tag}
