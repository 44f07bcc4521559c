"""Where files are kept: static files (whitenoise) and the names of stored uploads."""

import uuid
from pathlib import Path

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    # Source maps shipped by npm packages point at files they do not ship.
    manifest_strict = False

    def hashed_name(self, name, content=None, filename=None):
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:
            if name.endswith(".map") or ".map" in name:
                return name
            raise


def random_name(folder: str, filename: str) -> str:
    """A stored file's name: random, so no file is ever found by guessing its name; only the
    (lower-cased) extension of `filename` is kept. Stored files are never served from
    MEDIA_URL: each is downloaded through a view that checks who may have it."""
    return f"{folder}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"
