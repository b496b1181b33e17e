"""Writing posts: the list, the new/edit/correct forms and the live preview."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from rathaus.desk import counters, steps
from rathaus.desk.forms import calendar as calendar_forms
from rathaus.desk.forms.posts import CorrectionForm, DraftImageForm, PostForm, StatusFilterForm
from rathaus.desk.pages import page
from rathaus.desk.tenancy import office_of, post_of
from rathaus.lib import richtext
from rathaus.offices.models import Office, Role
from rathaus.posts import content, drafting, images, lifecycle
from rathaus.posts.models import Post


@login_required
def post_list(request: HttpRequest, slug: str) -> HttpResponse:
    office = office_of(request, slug)
    posts = Post.objects.filter(office=office).order_by("-updated_at")
    filter_form = StatusFilterForm(request.GET)
    if filter_form.is_valid() and filter_form.cleaned_data["status"]:
        posts = posts.filter(status=filter_form.cleaned_data["status"])
    context = {"office": office, "posts": posts[:200], "filter_form": filter_form}
    return page(request, "desk/post_list.html", context)


def _counters(
    office: Office, form: PostForm, post: Post | None, new_image: list[str] | None = None
) -> list[counters.Counter]:
    """Counters from what is in the form now: typed text if bound, the stored post if not;
    with the link as it will be once saved, so the counts before and after saving agree.
    ``new_image``: the alt text of an image being added with a new post."""
    alt_texts = [image.alt_text for image in post.images.all()] if post else []
    source = form.data if form.is_bound else form.initial
    variants = {
        c.variant_key: source.get(f"variant_{c.variant_key}", "") for c in form.variant_channels
    }
    title = source.get("title", "") or ""
    return counters.count(
        office,
        title=title,
        body=source.get("body", "") or "",
        variants=variants,
        alt_texts=alt_texts + (new_image or []),
        link=content.link_after_save(office, post, title),
        goes_to=form.goes_to(),
    )


def _new_image(request: HttpRequest) -> list[str]:
    """The alt text of the image chosen on the new-post form, as one image to count."""
    alt_text = request.POST.get("image-alt_text", "")
    return [alt_text] if alt_text.strip() or request.FILES.get("image-image") else []


def _fits(form: PostForm, found: list[counters.Counter]) -> bool:
    """Stop a save that breaks the limits of a channel the post goes to, saying which
    channel (by its name) and how to fix it."""
    for counter in found:
        if not counter.ok:
            form.add_error(None, counter.refusal)
    return all(counter.ok for counter in found)


def _render_form(
    request,
    office,
    form,
    post=None,
    template="desk/post_form.html",
    status=200,
    found=None,
    image_form=None,
):
    context = {
        "office": office,
        "form": form,
        "post": post,
        "image_form": image_form,
        "counters": _counters(office, form, post) if found is None else found,
        "preview_html": richtext.render(
            (form.data if form.is_bound else form.initial).get("body", "") or ""
        ),
    }
    return page(request, template, context, status=status)


def _save(request: HttpRequest, form: PostForm, verb: Any) -> Post | None:
    """Run ``verb`` with the form's data; on refusal put the reason on the form."""
    try:
        return verb(**form.verb_arguments())
    except lifecycle.LifecycleError as error:
        form.add_error(None, str(error))
    except ValidationError as error:
        form.add_error(None, error)
    return None


def _wants_save(request: HttpRequest, form: PostForm) -> bool:
    """A POST that is not just the no-JS "update preview" button, with valid data."""
    return request.method == "POST" and "preview" not in request.POST and form.is_valid()


def _announce(request: HttpRequest, form: PostForm, text: str) -> None:
    messages.success(request, text)
    for note in form.notes:
        messages.info(request, note)


@login_required
def post_new(request: HttpRequest, slug: str) -> HttpResponse:
    office = office_of(request, slug, Role.EDITOR)
    # A free hour of the calendar opens this form with ?publish_at=<local time>.
    initial = {"language": "de", **calendar_forms.initial_time(request.GET)}
    form = PostForm(request.POST or None, office=office, initial=initial)
    data = (request.POST, request.FILES) if request.method == "POST" else ()
    image_form = DraftImageForm(*data, prefix="image")
    found = _counters(office, form, None, _new_image(request))
    image_valid = image_form.is_valid() if image_form.is_bound else True
    if _wants_save(request, form) and image_valid and _fits(form, found):

        def verb(**arguments: Any) -> Post | None:
            try:
                image = image_form.image()
                return drafting.create_draft(office, by=request.user, image=image, **arguments)
            except images.ImageRejected as error:  # too big, too many pixels, no image
                image_form.add_error("image", error)
                return None

        post = _save(request, form, verb)
        if post:
            _announce(request, form, _("Draft saved."))
            return redirect("desk:post_edit", office.slug, post.pk)
    # Browsers never fill in a file input again: the page says so, next to it.
    image_form.reselect = bool(request.FILES.get("image-image"))
    return _render_form(request, office, form, found=found, image_form=image_form)


@login_required
def post_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    office = office_of(request, slug)
    post = post_of(office, pk)
    if not steps.may_edit(post, request.user):
        raise PermissionDenied
    form = PostForm(request.POST or None, office=office, initial=PostForm.initial_for(post))
    verb = lambda **a: lifecycle.edit(post, by=request.user, **a)  # noqa: E731
    found = _counters(office, form, post)
    if _wants_save(request, form) and _fits(form, found) and _save(request, form, verb):
        _announce(request, form, _("Changes saved."))
        return redirect("desk:post_edit", office.slug, post.pk)
    return _render_form(request, office, form, post, found=found)


@login_required
def post_correct(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    office = office_of(request, slug)
    post = post_of(office, pk)
    if not steps.offered(post, request.user)["correct"]:
        raise PermissionDenied
    form = CorrectionForm(request.POST or None, office=office, initial=PostForm.initial_for(post))
    if _wants_save(request, form):
        note = form.cleaned_data["note"]
        verb = lambda **a: lifecycle.correct(post, by=request.user, note=note, **a)  # noqa: E731
        if _save(request, form, verb):
            _announce(request, form, _("Correction published."))
            return redirect("desk:post_detail", office.slug, post.pk)
    return _render_form(request, office, form, post, template="desk/post_correct.html")


@login_required
def preview(request: HttpRequest, slug: str) -> HttpResponse:
    """The htmx live preview: rendered text and counters for what is typed right now."""
    office = office_of(request, slug)
    post = None
    if request.POST.get("post_id", "").isdigit():
        post = post_of(office, int(request.POST["post_id"]))
    form = PostForm(request.POST, office=office)
    context = {
        "office": office,
        "post": post,
        "counters": _counters(office, form, post, [] if post else _new_image(request)),
        "preview_html": richtext.render(request.POST.get("body", "")),
        "channels_form": form.reticked(),
    }
    # The correction page's preview promises nothing to channels that cannot change a post.
    correcting = post is not None and request.POST.get("correction") == "1"
    template = "desk/_correction_preview.html" if correcting else "desk/_preview.html"
    return page(request, template, context)
