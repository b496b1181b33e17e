"""X counts characters with weights (twitter-text v3): Latin letters and common punctuation
1, other scripts and "…" or "€" 2, an emoji sequence 2 however many code points it has,
and every link 23 (it becomes a t.co link). The thread is cut by that count."""

import pytest

from rathaus.connectors.platforms._x_text import weighted_length
from rathaus.connectors.platforms.x import XConnector


@pytest.mark.parametrize(
    ("text", "weight"),
    [
        ("Hallo", 5),
        ("Straßenbäume ändern", 19),
        ("日本語", 6),
        ("Привет", 6),  # Cyrillic lies below U+10FF: weight 1
        ("Gedankenstrich – und — “Zitat”", 30),
        ("… €", 5),
        ("e\u0301", 1),  # composed to é first
        ("👍", 2),
        ("👍🏽", 2),
        ("👨‍👩‍👧", 2),
        ("🇩🇪", 2),
        ("1️⃣", 2),
        ("https://presse.mitte.example/meldungen/2025/eine-sehr-lange-adresse/", 23),
        ("Siehe https://a.example/x.", 6 + 23 + 1),
        ("(https://a.example/x)", 1 + 23 + 1),
        ("Mehr auf berlin.de und www.berlin.de/ba-mitte!", 9 + 23 + 5 + 23 + 1),
        ("mail@berlin.de", 5 + 9),  # an address is no link
    ],
)
def test_it_counts_as_x_does(text, weight):
    assert weighted_length(text) == weight


def test_the_limits_count_by_weight():
    limits = XConnector.default_limits

    assert limits.count("日" * 140) == 280
    assert limits.count("日" * 141) == 282
    assert limits.count("a" * 200 + " https://x.example/" + "b" * 300) == 200 + 1 + 23
    assert (limits.max_chars, limits.max_images, limits.threads) == (280, 4, True)
    assert limits.alt_text_max_chars == 1000
