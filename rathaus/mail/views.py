"""The push address: an MTA (a pipe to ``curl --data-binary @-``) posts each raw message
to ``/mail/eingang/<token>/``. The answer comes only after the message is stored, so a
failure makes the MTA keep the mail and try again."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from rathaus.mail.models import Mailbox
from rathaus.mail.receiving import MAX_BYTES, ingest


def _mailbox(token: str) -> Mailbox:
    """The active mailbox with this token, found by the token's hash (only the hash is
    stored; comparing hashes of a 256-bit token leaks nothing usable through timing)."""
    found = Mailbox.by_token(token).filter(active=True).select_related("office").first()
    if found is None:
        raise Http404
    return found


def _too_large() -> HttpResponse:
    return HttpResponse(
        f"Message larger than {MAX_BYTES} bytes.\n", status=413, content_type="text/plain"
    )


@csrf_exempt
@require_POST
def push(request: HttpRequest, token: str) -> HttpResponse:
    mailbox = _mailbox(token)
    try:
        announced = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        announced = 0
    if announced > MAX_BYTES:
        return _too_large()
    raw = request.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        return _too_large()
    if not raw.strip():
        return HttpResponse("Empty message.\n", status=400, content_type="text/plain")
    message = ingest(mailbox, raw)
    return JsonResponse({"reference": message.conversation.reference}, status=202)
