from django.apps import AppConfig


class TalentpoolsConfig(AppConfig):
    name = "talentpools"
    verbose_name = "Talent pools and schemes"

    def ready(self) -> None:
        from . import imports  # noqa: F401  (registers the talent importers)
