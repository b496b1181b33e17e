"""Writing posts: the list, the new/edit/correct forms and the live preview."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from rathaus.desk import counters, steps
from rathaus.desk.forms import calendar as calendar_forms
from rathaus.desk.forms.posts import CorrectionForm, PostForm, StatusFilterForm
from rathaus.desk.pages import page
from rathaus.desk.tenancy import office_of, post_of
from rathaus.lib import richtext
from rathaus.offices.models import Office, Role
from rathaus.posts import lifecycle
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


def _counters(office: Office, form: PostForm, post: Post | None) -> list[counters.Counter]:
    """Counters from what is in the form now: typed text if bound, the stored post if not."""
    alt_texts = [image.alt_text for image in post.images.all()] if post else []
    source = form.data if form.is_bound else form.initial
    variants = {
        c.variant_key: source.get(f"variant_{c.variant_key}", "") for c in form.variant_channels
    }
    # Before the first save there is no address yet: one of the same length stands in.
    link = post.get_absolute_url() if post else reverse("newsroom:post", args=[office.slug, 1, "x"])
    return counters.count(
        office,
        title=source.get("title", "") or "",
        body=source.get("body", "") or "",
        variants=variants,
        alt_texts=alt_texts,
        link=office.public_url(link),
    )


def _render_form(request, office, form, post=None, template="desk/post_form.html", status=200):
    context = {
        "office": office,
        "form": form,
        "post": post,
        "counters": _counters(office, form, post),
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
    if _wants_save(request, form):
        post = _save(
            request, form, lambda **a: lifecycle.create_draft(office, by=request.user, **a)
        )
        if post:
            _announce(request, form, _("Draft saved."))
            return redirect("desk:post_edit", office.slug, post.pk)
    return _render_form(request, office, form)


@login_required
def post_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    office = office_of(request, slug)
    post = post_of(office, pk)
    if not steps.may_edit(post, request.user):
        raise PermissionDenied
    form = PostForm(request.POST or None, office=office, initial=PostForm.initial_for(post))
    verb = lambda **a: lifecycle.edit(post, by=request.user, **a)  # noqa: E731
    if _wants_save(request, form) and _save(request, form, verb):
        _announce(request, form, _("Changes saved."))
        return redirect("desk:post_edit", office.slug, post.pk)
    return _render_form(request, office, form, post)


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
        "counters": _counters(office, form, post),
        "preview_html": richtext.render(request.POST.get("body", "")),
    }
    # The correction page's preview promises nothing to channels that cannot change a post.
    correcting = post is not None and request.POST.get("correction") == "1"
    template = "desk/_correction_preview.html" if correcting else "desk/_preview.html"
    return page(request, template, context)
