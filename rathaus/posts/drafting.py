"""A new post written in one go: the draft and the image chosen while writing it, saved
together, so a refused image (no alt text, wrong type, too big) leaves no draft without it
and a refused draft leaves no image."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from rathaus.offices.models import Office
from rathaus.posts import lifecycle
from rathaus.posts.models import Post


@dataclass(frozen=True)
class NewImage:
    """An image for :func:`create_draft`, with what ``lifecycle.add_image`` requires."""

    file: UploadedFile
    alt_text: str
    author: str
    licence: str


@transaction.atomic
def create_draft(office: Office, *, by: Any, image: NewImage | None = None, **fields: Any) -> Post:
    """``lifecycle.create_draft`` and, with ``image``, ``lifecycle.add_image``: both steps
    checked and logged as on their own, in one transaction (either raises: nothing kept)."""
    post = lifecycle.create_draft(office, by=by, **fields)
    if image is not None:
        lifecycle.add_image(
            post,
            by=by,
            file=image.file,
            alt_text=image.alt_text,
            author=image.author,
            licence=image.licence,
        )
    return post
