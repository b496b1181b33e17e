"""A post keeps the search words of its title and text (Post.search_title, search_body),
which the newsroom's search index holds: every save that writes title or text writes
them too."""

from rathaus.lib import german_words
from rathaus.posts.models import Post


def test_a_new_post_has_the_words_of_title_and_text(draft):
    stored = Post.objects.get(pk=draft.pk)
    assert stored.search_title == german_words.tokens("Baumfällung in der Lindenallee")
    assert "baumfall" in stored.search_title.split()
    assert "lind" in stored.search_body.split()


def test_saving_only_the_title_writes_its_words(draft):
    draft.title = "Vollsperrung der Bahnhofstraße"
    draft.save(update_fields=["title"])
    stored = Post.objects.get(pk=draft.pk)
    assert stored.search_title.split()[:2] == ["vollsperr", "0gnurrepsllov"]


def test_saving_other_fields_leaves_the_words(draft):
    Post.objects.filter(pk=draft.pk).update(search_title="stale")
    draft.category = "notice"
    draft.save(update_fields=["category"])
    assert Post.objects.get(pk=draft.pk).search_title == "stale"
