import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rathaus.settings")
django_application = get_wsgi_application()

from rathaus.rendering.front import RenderedPages  # noqa: E402 (after Django's set-up)

# Rendered public pages are answered before Django (rendering.front).
application = RenderedPages(django_application)
