"""A post as plain text for a platform, and split into a numbered thread where it is too long."""

from dataclasses import dataclass

from rathaus.connectors import rendering
from rathaus.delivery.channels import Limits

LINK = "https://presse.mitte.example/mitte/meldungen/7/baum/"


def test_markdown_becomes_plain_text_with_link_addresses():
    text = rendering.plain("Am **Montag**: [Plan](https://x.example/plan) und\n\n- eins\n- zwei")
    assert text == "Am Montag: Plan (https://x.example/plan) und\n\n– eins\n– zwei"


def test_a_link_written_as_its_address_is_not_repeated():
    assert rendering.plain("<https://x.example/a>") == "https://x.example/a"


def test_the_main_text_gets_the_title_and_the_link_to_the_original():
    text = rendering.compose(title="Baumfällung", text="Zwei Linden.", link=LINK, is_variant=False)
    assert text == f"Baumfällung\n\nZwei Linden.\n\n{LINK}"


def test_a_variant_is_sent_as_written_and_keeps_a_link_it_carries():
    text = rendering.compose(title="T", text=f"Kurz: {LINK}", link=LINK, is_variant=True)
    assert text == f"Kurz: {LINK}"


def test_a_text_that_fits_stays_one_piece():
    assert rendering.split("kurz", Limits(max_chars=10, threads=True)) == ["kurz"]


def test_a_long_text_becomes_a_numbered_thread_of_parts_that_fit():
    limits = Limits(max_chars=60, threads=True)
    words = " ".join(f"Wort{n}" for n in range(40))
    parts = rendering.split(words, limits)
    assert len(parts) > 1
    assert all(len(part) <= 60 for part in parts)
    assert parts[0].endswith(f" (1/{len(parts)})")
    assert parts[-1].endswith(f" ({len(parts)}/{len(parts)})")
    # Nothing lost, nothing cut inside a word.
    joined = " ".join(part.rsplit(" (", 1)[0] for part in parts)
    assert joined.split() == words.split()


def test_a_word_longer_than_a_part_is_cut():
    parts = rendering.split("a" * 150, Limits(max_chars=60, threads=True))
    assert all(len(part) <= 60 for part in parts)
    assert "".join(part.rsplit(" (", 1)[0] for part in parts) == "a" * 150


def test_a_platform_without_threads_gets_the_whole_text():
    assert rendering.split("x" * 100, Limits(max_chars=10)) == ["x" * 100]


@dataclass(frozen=True)
class DoubleLimits(Limits):
    """Every character weighs two, as X weighs CJK characters."""

    def count(self, text: str) -> int:
        return 2 * len(text)


def test_splitting_counts_as_the_platform_counts():
    parts = rendering.split("ab " * 30, DoubleLimits(max_chars=40, threads=True))
    assert all(DoubleLimits().count(part) <= 40 for part in parts)


def test_the_posts_parts_carry_images_and_the_link(publish_post):
    post = publish_post(title="Baum", body="Text " * 200, category="short_notice")
    parts = rendering.parts(post, post.body, Limits(max_chars=100, threads=True), images=())
    assert len(parts) > 5
    assert parts[-1].text.split(" (")[0].endswith(rendering.original_link(post))
    assert {p.total for p in parts} == {len(parts)}
    assert [p.index for p in parts] == list(range(len(parts)))
