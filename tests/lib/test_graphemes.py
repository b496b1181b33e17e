"""The shared counters (lib.graphemes) every platform's limit is counted with, and the
pieces a platform's own rule is built from."""

import pytest

from rathaus.lib.graphemes import clusters, code_points, graphemes, is_emoji, utf16_units

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # man ZWJ woman ZWJ girl
GERMANY = "\U0001f1e9\U0001f1ea"
SCOTLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"


def test_one_text_counted_four_ways():
    text = FAMILY + GERMANY

    assert graphemes(text) == 2
    assert code_points(text) == 7
    assert utf16_units(text) == 12
    assert clusters(text) == [FAMILY, GERMANY]


def test_clusters_cut_where_graphemes_count():
    text = f"Gru\u0308ße {FAMILY}!\r\n{GERMANY}{GERMANY[0]}"

    found = clusters(text)

    assert "".join(found) == text
    assert len(found) == graphemes(text)
    assert "u\u0308" in found and "\r\n" in found and FAMILY in found
    assert found[-2:] == [GERMANY, GERMANY[0]]


@pytest.mark.parametrize(
    ("cluster", "emoji"),
    [
        (FAMILY, True),
        (GERMANY, True),
        ("\U0001f44d\U0001f3fd", True),  # skin tone
        ("1\ufe0f\u20e3", True),  # keycap
        ("\u00a9\ufe0f", True),  # © as emoji
        ("\u00a9", False),  # © as a letter of Latin-1
        ("\u2600", True),  # ☀
        (GERMANY[0], False),  # half a flag
        ("a", False),
        ("é", False),
        ("日", False),
    ],
)
def test_what_shows_as_one_emoji(cluster, emoji):
    assert is_emoji(cluster) is emoji


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Rathaus", 7),
        ("Müller", 6),
        ("Mu\u0308ller", 6),  # u + combining diaeresis
        (FAMILY, 1),
        ("\u2764\ufe0f\u200d\U0001f525", 1),  # heart on fire
        ("\U0001f44d\U0001f3fd", 1),  # thumbs up, medium skin tone
        ("\U0001f9d1\U0001f3fe\u200d\U0001f692", 1),  # firefighter with skin tone
        (GERMANY, 1),
        (GERMANY * 2 + "\U0001f1e9", 3),  # flags pair up, the odd one out stands alone
        (SCOTLAND, 1),
        ("1\ufe0f\u20e3", 1),  # keycap
        ("a\r\nb", 3),
        ("\u1100\u1161\u11a8", 1),  # Hangul jamo L V T
        ("\ud55c\uad6d\uc5b4", 3),  # 한국어
        ("\u0928\u092e\u0938\u094d\u0924\u0947", 4),  # नमस्ते as before Unicode 15.1
        (FAMILY + "\u200d", 1),  # a trailing joiner stays with it
        ("x\u200d" + FAMILY, 2),  # a joiner after a letter joins no emoji
    ],
)
def test_it_counts_graphemes(text, count):
    assert graphemes(text) == count
