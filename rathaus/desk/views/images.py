"""Attaching and removing images of a post; alt text, author and licence are required."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from rathaus.desk.forms import ImageForm
from rathaus.desk.tenancy import image_of, office_of, post_of
from rathaus.desk.views.detail import render_detail
from rathaus.posts import lifecycle


@login_required
def image_add(request: HttpRequest, office: str, pk: int) -> HttpResponse:
    post = post_of(office_of(request, office), pk)
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
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Image added."))
            return redirect("desk:post_detail", post.office.slug, post.pk)
    post.refresh_from_db()
    return render_detail(request, post, {"image_form": form}, status=400)


@login_required
def image_remove(request: HttpRequest, office: str, pk: int, image: int) -> HttpResponse:
    post = post_of(office_of(request, office), pk)
    found = image_of(post, image)
    if request.method == "POST":
        try:
            lifecycle.remove_image(found, by=request.user)
        except lifecycle.LifecycleError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Image removed."))
    return redirect("desk:post_detail", post.office.slug, post.pk)
