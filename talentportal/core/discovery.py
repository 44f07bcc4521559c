"""Finding the portal apps' optional modules (`demo`, `privacy`), the way Django finds
`admin` modules: each app that has one takes part."""

from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.utils.module_loading import module_has_submodule


def portal_modules(name: str):
    """(app label, module) for each of the portal's own apps (not Django's, nor installed
    packages) that has a module `name` (`demo`, `privacy`), in INSTALLED_APPS order."""
    for config in apps.get_app_configs():
        path = Path(config.path)
        own = path.is_relative_to(settings.BASE_DIR) and ".venv" not in path.parts
        if own and module_has_submodule(config.module, name):
            yield config.label, import_module(f"{config.name}.{name}")
