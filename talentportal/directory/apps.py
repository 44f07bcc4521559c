from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "talentportal.directory"
    label = "directory"
    verbose_name = "People and places"

    def ready(self) -> None:
        from . import imports  # noqa: F401  (registers the organisations importer)
