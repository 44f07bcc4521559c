from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "coaching"
    verbose_name = "CoachNet and MentorNet"

    def ready(self) -> None:
        from . import imports  # noqa: F401  (registers the coaching importers)
