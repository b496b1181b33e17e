"""The newsletter as a delivery channel: a post goes to the office's confirmed subscribers
of its category. Publishing queues the mailing (its batches run in the task queue), so the
delivery is "published" once the mailing is queued; ``progress`` tells the desk how far the
mails got."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rathaus.delivery.channels import Attempt, Channel, Limits, PermanentError, Sent
from rathaus.delivery.models import Delivery
from rathaus.newsletter import composing, mailings
from rathaus.newsletter.models import Mailing, NewsletterSettings
from rathaus.offices.models import Office
from rathaus.posts.models import Post


class NewsletterChannel(Channel):
    key = composing.CHANNEL_KEY
    name = _("Newsletter")
    # A mail has room for any text; images are sent as links with their alt text.
    limits = Limits(max_chars=None, max_title_chars=300, max_images=None)

    def enabled_for(self, office: Office) -> bool:
        return NewsletterSettings.objects.filter(office=office, enabled=True).exists()

    def takes(self, post: Post) -> bool:
        return mailings.recipients(post.office_id, post.category).exists()

    def publish(self, attempt: Attempt) -> Sent:
        if not self.enabled_for(attempt.office):
            raise PermanentError(_("The newsletter of this office is switched off."))
        mailing = mailings.queue(attempt.delivery)
        return Sent(remote_id=f"{self.key}:{mailing.pk}")

    def progress(self, delivery: Delivery) -> str:
        if delivery.status != Delivery.Status.PUBLISHED or not delivery.post_id:
            return ""
        mailing = Mailing.objects.filter(post_id=delivery.post_id).first()
        return mailings.progress(mailing) if mailing else ""
