"""An office's ActivityPub accounts: what Mastodon users find as @presse@domain and follow."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.federation import keys

# Path segments under /ap/ that are not accounts; an account so named would be shadowed.
RESERVED_USERNAMES = {"inbox"}


def validate_username(value: str) -> None:
    if value in RESERVED_USERNAMES:
        raise ValidationError(_("“%(name)s” is reserved."), params={"name": value})


class Account(models.Model):
    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="fediverse_accounts"
    )
    # One installation has one federation domain, so unique here means unique per domain.
    # Mastodon's own rule: letters, digits and underscores, at most 30.
    username = models.CharField(
        _("username"),
        max_length=30,
        unique=True,
        validators=[
            RegexValidator(
                r"^[a-z0-9_]+\Z",
                _("Only lowercase letters, digits and underscores."),
            ),
            validate_username,
        ],
        help_text=_("The name in @name@domain, e.g. “presse” or “baumschutz”."),
    )
    display_name = models.CharField(_("display name"), max_length=100)
    summary = models.TextField(_("profile text"), blank=True)
    discoverable = models.BooleanField(
        _("discoverable"),
        default=True,
        help_text=_("May appear in the Fediverse's directories and search."),
    )
    private_key_pem = models.TextField(editable=False)
    public_key_pem = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["username"]
        verbose_name = _("Fediverse account")
        verbose_name_plural = _("Fediverse accounts")

    def __str__(self) -> str:
        return f"@{self.username}"

    def save(self, *args, **kwargs) -> None:
        # The key is the account's identity on other servers: made once, never replaced.
        if not self.private_key_pem:
            self.private_key_pem, self.public_key_pem = keys.generate_pair()
        super().save(*args, **kwargs)
