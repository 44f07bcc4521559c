from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = "Programmes and bookings"

    def ready(self) -> None:
        from . import imports  # noqa: F401  (registers the bookings importer)
