from django.apps import AppConfig


class CouncilConfig(AppConfig):
    """The council's information (Ratsinformation): meetings, papers and resolutions of the
    body an office links to, imported over OParl (README, "Council information")."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "rathaus.council"
    verbose_name = "Council information"
