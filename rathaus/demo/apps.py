from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data loader (``manage.py load_demo``). It fills every other app, so it sits
    above all of them; nothing imports it."""

    name = "rathaus.demo"
    verbose_name = "Demo"
