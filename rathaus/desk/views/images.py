"""Attaching and removing images of a post; alt text, author and licence are required.
Uploads are private: post images and citizens' photos reach the desk only through the
views here, for members of the office they belong to."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from rathaus.desk.forms.posts import ImageForm
from rathaus.desk.tenancy import image_of, inbox_office_of, office_of, post_of
from rathaus.desk.views.detail import render_detail
from rathaus.desk.views.inbox import conversation_of
from rathaus.inbox.models import Message
from rathaus.posts import images, lifecycle

# What an upload may be sent as; anything else would be a file we never stored.
IMAGE_TYPES = {
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
}


@login_required
def image_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    post = post_of(office_of(request, slug), pk)
    if request.method != "POST":
        return redirect("desk:post_detail", post.office.slug, post.pk)
    form = ImageForm(request.POST, request.FILES, prefix="image")
    if form.is_valid():
        data = form.cleaned_data
        try:
            lifecycle.add_image(
                post,
                by=request.user,
                file=data["image"],
                alt_text=data["alt_text"],
                author=data["author"],
                licence=data["licence"],
            )
        except lifecycle.LifecycleError as error:
            form.add_error(None, str(error))
        except images.ImageRejected as error:
            form.add_error("image", error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Image added."))
            return redirect("desk:post_detail", post.office.slug, post.pk)
    post.refresh_from_db()
    return render_detail(request, post, {"image_form": form}, status=400)


@login_required
def image_remove(request: HttpRequest, slug: str, pk: int, image: int) -> HttpResponse:
    post = post_of(office_of(request, slug), pk)
    found = image_of(post, image)
    if request.method == "POST":
        try:
            lifecycle.remove_image(found, by=request.user)
        except lifecycle.LifecycleError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Image removed."))
    return redirect("desk:post_detail", post.office.slug, post.pk)


def _private_file(field: FieldFile, cache_control: str) -> FileResponse:
    suffix = "." + field.name.rpartition(".")[2].lower() if "." in field.name else ""
    if suffix not in IMAGE_TYPES:
        raise Http404
    try:
        file = field.storage.open(field.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(file, content_type=IMAGE_TYPES[suffix])
    response["Cache-Control"] = cache_control
    # Opened on its own, the file is an image and nothing else: no script, no form.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


@login_required
def image_file(request: HttpRequest, slug: str, pk: int, image: int) -> HttpResponse:
    """A post's original image, whatever the post's state, for the office's members."""
    found = image_of(post_of(office_of(request, slug), pk), image)
    if request.method not in ("GET", "HEAD"):  # after the lookup: outsiders get 404 first
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return _private_file(found.image, "private, max-age=300")


@login_required
def photo_file(request: HttpRequest, slug: str, pk: int, message: int) -> HttpResponse:
    """A citizen's photo, for those who read the inbox of the conversation's office."""
    conversation = conversation_of(inbox_office_of(request, slug), pk)
    found = get_object_or_404(Message, conversation=conversation, pk=message)
    if not found.photo:
        raise Http404
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return _private_file(found.photo, "private, no-store")
