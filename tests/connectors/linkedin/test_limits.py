"""LinkedIn's limits as the editor sees them: 3,000 characters of commentary (counted with
the escapes the "little" format needs), at most 20 images, no threads."""

import pytest

from rathaus.connectors import family
from rathaus.delivery import channels
from rathaus.offices.access import LifecycleError
from rathaus.posts import lifecycle, limits
from tests.fakes.linkedin import ORGANIZATION


def _limits(connect_account):
    account = connect_account("linkedin", api_base="http://127.0.0.1:9", remote_id=ORGANIZATION)
    return family.connector_for(account).limits


def test_3000_characters_fit_and_one_more_does_not(connect_account):
    limits = _limits(connect_account)

    assert limits.problems(text="a" * 3000, title="", alt_texts=[]) == []
    assert limits.problems(text="a" * 3001, title="", alt_texts=[]) != []
    assert not limits.threads


def test_escapes_count_against_the_limit(connect_account):
    limits = _limits(connect_account)

    assert limits.count("Sprechstunde (neu)") == len("Sprechstunde (neu)") + 2
    assert limits.problems(text="(" * 1501, title="", alt_texts=[]) != []


def test_twenty_images_at_most(connect_account):
    limits = _limits(connect_account)

    assert limits.problems(text="Bilder", title="", alt_texts=["Bild"] * 20) == []
    assert limits.problems(text="Bilder", title="", alt_texts=["Bild"] * 21) != []


def test_a_too_long_post_is_named_before_it_is_sent(connect_account, office, editor):
    account = connect_account("linkedin", api_base="http://127.0.0.1:9", remote_id=ORGANIZATION)
    post = lifecycle.create_draft(office, by=editor, title="Lang", body="Wort " * 700)

    problems = limits.limit_problems(post)
    assert list(problems) == [channels.get(account.channel_key).name]  # its name, not its key
    with pytest.raises(LifecycleError, match=channels.get(account.channel_key).name):
        lifecycle.submit(post, by=editor)
