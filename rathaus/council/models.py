"""The council's information as its OParl server gives it (README, "Council information").

``CouncilSource``: the one OParl body an office's council data comes from, and how far the
last import got. ``CouncilObject``: every object that server gave (a meeting, a paper, a
person, a file …) as it gave it, cleaned by ``lib.oparl``: one row per OParl id and office,
so that two offices linked to the same council keep their own copies. Public pages and
announcements are read from these rows; an object the server deleted stays as a row
marked ``deleted`` (its fields replaced by what the server still says of it), so that it
disappears from public view and a later incremental import knows it.
"""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.offices.models import Office


class CouncilSource(models.Model):
    office = models.OneToOneField(Office, on_delete=models.CASCADE, related_name="council_source")
    # An address the office's admin enters: checked against private networks when it is
    # connected to (lib.netguard, in lib.oparl's fetcher), not only when saved.
    system_url = models.URLField(_("OParl system URL"), max_length=500)
    body_id = models.URLField(_("OParl body id"), max_length=500, blank=True)
    # When the last import that read every list began: the next one asks only for what
    # changed since (``modified_since``).
    imported_until = models.DateTimeField(null=True, blank=True)
    # Per list, the page an unfinished run got to with everything before it stored
    # (``Reader.taken``): the next run goes on from there. Empty after a complete run.
    resume = models.JSONField(default=dict, blank=True)
    # When the first run of an unfinished chain began: the lists it read to the end are not
    # read again, so when the chain completes, changes are asked for since then.
    resume_started = models.DateTimeField(null=True, blank=True)
    # The figures of the last run (counts, repairs, lists given up), for the admin page.
    last_run = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("council source")

    def __str__(self) -> str:
        return f"{self.office}: {self.system_url}"


class CouncilObject(models.Model):
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)  # OParl's short type: "Meeting", "Paper" …
    oparl_id = models.CharField(max_length=1000)
    # The object an embedded one was found in (a meeting's agenda item), else "".
    parent_id = models.CharField(max_length=1000, blank=True)
    modified = models.DateTimeField(null=True)
    deleted = models.BooleanField(default=False)
    data = models.JSONField(encoder=DjangoJSONEncoder)
    # Of ``data`` and ``deleted``: an import that reads the same again writes nothing.
    digest = models.CharField(max_length=64)
    imported_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "oparl_id"], name="council_object_once")
        ]
        indexes = [models.Index(fields=["office", "kind", "deleted"], name="council_by_kind")]

    def __str__(self) -> str:
        return f"{self.kind} {self.oparl_id}"
