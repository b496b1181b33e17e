from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_migrate
from django.utils.translation import gettext_lazy as _


def delete_audit_entries(sender, instance, **kwargs) -> None:
    """An office's audit trail goes with the office. The audit log is a layer below and
    holds only the office's pk, so this cascade is the offices app's to keep."""
    from rathaus.audit.models import AuditEntry

    AuditEntry.objects.of(instance).delete()


class OfficesConfig(AppConfig):
    name = "rathaus.offices"
    verbose_name = _("Offices")

    def ready(self) -> None:
        from rathaus.offices import login_policy
        from rathaus.offices.models import Office

        login_policy.share_allauth_state()
        post_migrate.connect(login_policy.create_cache_tables, sender=self)
        user_logged_in.connect(login_policy.login_started)
        post_delete.connect(delete_audit_entries, sender=Office)
