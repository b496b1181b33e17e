"""The shared counters (lib.graphemes) every platform's limit is counted with, and the
pieces a platform's own rule is built from."""

import pytest

from rathaus.lib.graphemes import clusters, code_points, graphemes, is_emoji, utf16_units

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # man ZWJ woman ZWJ girl
GERMANY = "\U0001f1e9\U0001f1ea"


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
