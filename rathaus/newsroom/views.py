from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from rathaus.offices.models import Office
from rathaus.posts.models import Post


def offices(request):
    return HttpResponse(", ".join(o.name for o in Office.objects.all()))


def index(request, office):
    office = get_object_or_404(Office, slug=office)
    return HttpResponse(", ".join(p.title for p in office.posts.public()))


def post(request, office, pk, slug):
    post = get_object_or_404(Post.objects.public(), office__slug=office, pk=pk)
    return HttpResponse(post.body_html)
