"""The rendered pages as files for nginx (rendering.mirror, manage.py mirror_pages)."""

import threading

import pytest
from django.core.management import call_command

from rathaus.rendering.mirror import Mirror, file_for, write_atomically
from rathaus.rendering.models import RenderedPage


@pytest.fixture
def mirrored(rendering, office, publish_post, tmp_path):
    post = publish_post(title="Evakuierung Altstadt", body="Sammelpunkt Marktplatz.")
    mirror = Mirror(tmp_path)
    mirror.sync()
    return mirror, post


def test_every_rendered_page_is_a_file_with_its_bytes(mirrored, tmp_path):
    _mirror, post = mirrored
    rows = RenderedPage.objects.filter(gone=False)
    assert rows.count() > 10
    for row in rows:
        assert file_for(tmp_path, row.path).read_bytes() == bytes(row.body), row.path
    assert (tmp_path / "mitte" / "index.html").is_file()
    assert (tmp_path / "en" / "mitte" / "index.html").is_file()
    assert (tmp_path / "mitte" / "feed.rss").is_file()
    assert file_for(tmp_path, post.get_absolute_url()).name == "index.html"


def test_a_withdrawn_post_loses_its_files(
    mirrored, tmp_path, approver, django_capture_on_commit_callbacks
):
    from rathaus.posts import lifecycle

    mirror, post = mirrored
    page = file_for(tmp_path, post.get_absolute_url())
    assert page.exists()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.withdraw(post, by=approver, reason="Entwarnung")
    mirror.sync()
    assert not page.exists()
    assert "Evakuierung" not in (tmp_path / "mitte" / "index.html").read_text()


def test_at_start_files_of_pages_removed_meanwhile_are_removed(mirrored, tmp_path):
    stale = tmp_path / "mitte" / "meldungen" / "99-alt" / "index.html"
    stale.parent.mkdir(parents=True)
    stale.write_text("alt")
    call_command("mirror_pages", "--into", str(tmp_path), "--once", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not stale.exists()
    assert (tmp_path / "mitte" / "index.html").exists()


def test_addresses_outside_the_folder_are_refused(tmp_path):
    for path in ("/../etc/passwd", "/mitte/../../x/"):
        with pytest.raises(ValueError):
            file_for(tmp_path, path)


def test_a_reader_never_sees_half_a_page(tmp_path):
    """Readers read while the page is replaced again and again: each read is one whole
    version, never a mix or an empty file."""
    target = tmp_path / "mitte" / "index.html"
    versions = [bytes([65 + n]) * 200_000 for n in range(4)]
    write_atomically(target, versions[0])
    seen, stop = [], threading.Event()

    def read() -> None:
        while not stop.is_set():
            seen.append(target.read_bytes())

    readers = [threading.Thread(target=read) for _ in range(3)]
    for reader in readers:
        reader.start()
    for round_ in range(200):
        write_atomically(target, versions[round_ % 4])
    stop.set()
    for reader in readers:
        reader.join()
    assert len(seen) > 10
    assert all(body in versions for body in seen)
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".rendering-")]


def test_the_folder_is_readable_by_the_static_servers_user(
    rendering, office, publish_post, tmp_path
):
    """The settings' umask 077 keeps the data dir Rathaus's own; nginx reads this folder as
    another user."""
    import os
    import stat

    publish_post(title="Lesbar für nginx", body="…")
    into = tmp_path / "public"
    call_command("mirror_pages", "--into", str(into), "--once", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert os.umask(0o077) == 0o077  # the process's own umask is back
    for path in [into, *into.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o755 if path.is_dir() else 0o644), (path, oct(mode))
