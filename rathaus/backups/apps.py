from django.apps import AppConfig


class BackupsConfig(AppConfig):
    """``manage.py backup`` and ``manage.py restore``: the whole installation in one tar
    file. It reads every app's data, so it sits at the top with the demo; nothing imports
    it."""

    name = "rathaus.backups"
    verbose_name = "Backups"
