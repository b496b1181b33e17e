"""A corrected post says, visibly, when and what was corrected."""

from rathaus.posts import lifecycle


def test_it_shows_the_correction_notice(client, published, approver):
    lifecycle.correct(
        published,
        by=approver,
        note="Es ist eine Linde, nicht zwei.",
        body="Am **Montag** wird eine kranke Linde gefällt.",
    )
    response = client.get(published.get_absolute_url())
    assert response.status_code == 200
    text = response.text
    assert "Es ist eine Linde, nicht zwei." in text
    assert 'class="notice correction"' in text
    assert "eine kranke Linde" in text


def test_it_shows_no_notice_on_an_uncorrected_post(client, published):
    text = client.get(published.get_absolute_url()).text
    assert "notice correction" not in text
