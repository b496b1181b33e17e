"""A text longer than Telegram's 4096 characters goes out as a thread: numbered messages,
each a reply to the one before. Telegram counts UTF-16 code units, so emoji count twice. (The thread itself: the contract.)"""

from rathaus.connectors import family


def test_emoji_count_as_two_characters(connected_account):
    limits = family.connector_for(connected_account).limits

    assert limits.count("🌳") == 2
    assert limits.count("ä") == 1
