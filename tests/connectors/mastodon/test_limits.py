"""Mastodon counts every link as 23 characters, however long it is, and a remote handle
without its domain: the editor's counters and the thread splitting count the same way, so
a text with long links that fits the server goes out as one status."""

from rathaus.connectors import family
from rathaus.connectors.platforms.mastodon import MastodonLimits
from rathaus.desk import counters

LINK = "https://www.berlin.de/ba-mitte/aktuelles/pressemitteilungen/2025/" + "x" * 120 + ".php"


def test_a_link_counts_as_23_characters_and_a_handle_without_its_domain():
    limits = MastodonLimits(max_chars=500, link_chars=23)

    assert limits.count(f"Mehr: {LINK}") == len("Mehr: ") + 23
    assert limits.count(f"({LINK})") == 25
    assert limits.count("Danke @anna@example.org!") == len("Danke @anna!")


def test_the_count_follows_the_servers_characters_per_link(connect_account, fake):
    values = fake.connection_values()
    values["details"] = {**values["details"], "characters_reserved_per_url": 30}
    account = connect_account("mastodon", api_base=fake.url, **values)

    assert family.connector_for(account).limits.count(LINK) == 30


def test_a_text_that_fits_only_with_links_counted_as_23_is_one_status(
    connected_account, fake, publish_post
):
    body = "\n\n".join(f"Teil {n}: {LINK}" for n in range(1, 6))
    assert len(body) > 500

    publish_post(title="Links", body=body)

    [status] = fake.posted()
    assert LINK in status.text


def test_the_editors_counter_counts_as_mastodon_does(connected_account, office):
    link = "https://www.berlin.de/ba-mitte/presse/1/"
    [counter] = [
        c
        for c in counters.count(
            office, title="", body=f"Mehr: {LINK}", variants={}, alt_texts=[], link=link
        )
        if c.key == connected_account.channel_key
    ]

    # The text as sent: the body, then the link to the original; both links count 23.
    assert counter.chars == len("Mehr: ") + 23 + len("\n\n") + 23
    assert counter.max_chars == 500
