"""docker-compose.yml is not run here; these checks keep it consistent with the code."""

import importlib
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "\n".join(
    (ROOT / "talentportal" / "settings" / f"{name}.py").read_text()
    for name in ("base", "production")
)


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_web_worker_beat_and_both_services():
    services = _compose()["services"]
    assert {"web", "worker", "beat", "postgres", "redis"} <= set(services)
    assert services["web"]["command"][:2] == ["gunicorn", "talentportal.wsgi:application"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "talentportal", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "talentportal", "beat"]


def test_every_variable_compose_sets_is_read_by_the_settings():
    env = _compose()["services"]["web"]["environment"]
    for name in env:
        if name == "DJANGO_SETTINGS_MODULE":
            continue
        assert re.search(rf'env(_bool|_list)?\(\s*"{name}"', SETTINGS), name


def test_the_settings_module_and_wsgi_application_compose_names_exist():
    env = _compose()["services"]["web"]["environment"]
    assert importlib.util.find_spec(env["DJANGO_SETTINGS_MODULE"]) is not None
    assert importlib.util.find_spec("talentportal.wsgi") is not None


def test_the_image_installs_the_dependency_group_that_exists():
    groups = tomllib.loads((ROOT / "pyproject.toml").read_text())["dependency-groups"]
    dockerfile = (ROOT / "Dockerfile").read_text()
    [group] = re.findall(r"--group (\w+)", dockerfile)
    assert group in groups
