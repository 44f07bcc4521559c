"""Where files are kept: static files (whitenoise) and the names of stored uploads."""

import threading
import uuid
from contextlib import contextmanager
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


# What an upload's content must be for its extension. Checked before it is stored, so a
# page saved as "certificate.pdf" or a program renamed "scan.png" is refused, not kept.
IMAGE_FORMATS = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG"}
IMAGE_SIGNATURES = {"PNG": b"\x89PNG\r\n\x1a\n", "JPEG": b"\xff\xd8\xff"}
MAX_IMAGE_PIXELS = 40_000_000  # a 600 dpi A4 scan is 35 million


def check_upload_content(upload) -> None:
    """Raise ValidationError unless the upload is what its extension says: a PDF that
    opens with at least one page, or a PNG or JPEG image that decodes whole. Other
    extensions are left to the field's own FileExtensionValidator."""
    from django.core.exceptions import ValidationError

    extension = Path(upload.name or "").suffix.lower().lstrip(".")
    if extension == "pdf":
        message = _pdf_problem(upload)
    elif extension in IMAGE_FORMATS:
        message = _image_problem(upload, IMAGE_FORMATS[extension], extension)
    else:
        return
    upload.seek(0)
    if message:
        raise ValidationError(message, code="content")


def _pdf_problem(upload) -> str | None:
    from pypdf import PdfReader

    refused = (
        "The file is not a PDF that can be opened. Upload the certificate as a PDF, PNG or JPEG."
    )
    upload.seek(0)
    if upload.read(5) != b"%PDF-":
        return refused
    upload.seek(0)
    try:
        reader = PdfReader(upload)
        if reader.is_encrypted:
            return "The PDF is protected by a password. Upload a copy without a password."
        if len(reader.pages) < 1:
            return refused
    # A malformed file can make the parser raise almost anything (it reads untrusted
    # bytes); whatever it raises, the file is not a PDF we can keep.
    except Exception:  # noqa: BLE001
        return refused
    return None


_STRICT_DECODING = threading.Lock()


@contextmanager
def _strict_image_decoding():
    """WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES when it is imported (any
    process that has built a PDF), and then a truncated image decodes without an error,
    its missing part filled in. Turn it off while checking, one check at a time."""
    from PIL import ImageFile

    with _STRICT_DECODING:
        before = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before


def _image_problem(upload, expected: str, extension: str) -> str | None:
    from PIL import Image

    upload.seek(0)
    if not upload.read(8).startswith(IMAGE_SIGNATURES[expected]):
        return (
            f"The file is named .{extension} but is not a {expected} image. Upload the "
            "certificate as a PDF, PNG or JPEG."
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            if image.format != expected:
                raise ValueError(image.format)
            if image.width * image.height > MAX_IMAGE_PIXELS:
                return "The image is too large (over 40 million pixels). Upload a smaller scan."
            image.verify()  # the file's structure and checksums
        upload.seek(0)
        with _strict_image_decoding(), Image.open(upload) as image:
            image.load()  # every pixel: a truncated file fails here
    # As for PDFs: a decoder fed untrusted bytes may raise anything; the file is refused.
    except Exception:  # noqa: BLE001
        return (
            "The image cannot be read: it may be incomplete or damaged. Upload the "
            "certificate again as a PDF, PNG or JPEG."
        )
    return None
