"""Uploaded media, checked before anything is stored: doctors' photos and audio answers.

Each function takes an uploaded file and either returns what to store or raises a
``ValidationError`` that the form shows beside the field. Files are stored by the model
fields, through Django's storage API, so S3-compatible storage is a settings change.
"""

from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO
from pathlib import PurePath

import mutagen
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE
from PIL import Image, ImageOps

PHOTO_SIZE = 800  # longest side of the stored photo, in pixels
AVATAR_SIZE = 192  # square; shown at 96 CSS pixels, sharp on high-density screens
PHOTO_MIN_SIZE = 96
PHOTO_MAX_PIXELS = 40_000_000  # beyond this a "photo" is a decompression bomb
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}

# What each extension must really hold; mutagen reads the file, not its name.
AUDIO_KINDS = {".mp3": (MP3,), ".m4a": (MP4,), ".ogg": (OggVorbis, OggOpus), ".wav": (WAVE,)}
AUDIO_EXTENSIONS = ", ".join(ext.lstrip(".").upper() for ext in AUDIO_KINDS)


def _check_size(upload: UploadedFile, limit: int, what: str) -> None:
    if upload.size > limit:
        raise ValidationError(
            f"This {what} is {filesizeformat(upload.size)}; the limit is {filesizeformat(limit)}.",
            code="file_too_large",
        )


@dataclass
class Photo:
    photo: ContentFile
    avatar: ContentFile


def _jpeg(image: Image.Image, name: str) -> ContentFile:
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=85, optimize=True)
    return ContentFile(buffer.getvalue(), name=name)


def process_photo(upload: UploadedFile) -> Photo:
    """A doctor's photo as stored: at most ``PHOTO_SIZE`` wide, upright, without EXIF data
    (which may hold the place it was taken), plus a square avatar."""
    _check_size(upload, settings.LIVERQA_PHOTO_MAX_BYTES, "photo")
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            if image.format not in PHOTO_FORMATS:
                raise ValidationError("Upload a JPEG, PNG or WebP photo.", code="photo_format")
            if image.width * image.height > PHOTO_MAX_PIXELS:
                raise ValidationError(
                    f"This photo is {image.width}×{image.height} pixels; "
                    "please upload one under 40 megapixels.",
                    code="photo_too_many_pixels",
                )
            if min(image.size) < PHOTO_MIN_SIZE:
                raise ValidationError(
                    f"This photo is only {image.width}×{image.height} pixels; it needs at least "
                    f"{PHOTO_MIN_SIZE}×{PHOTO_MIN_SIZE} to look sharp.",
                    code="photo_too_small",
                )
            image = ImageOps.exif_transpose(image)
            image = _flatten(image)
            photo = image.copy()
            photo.thumbnail((PHOTO_SIZE, PHOTO_SIZE))
            avatar = ImageOps.fit(image, (AVATAR_SIZE, AVATAR_SIZE))
    except (OSError, Image.DecompressionBombError, ValueError) as exc:
        raise ValidationError(
            "This file is not an image we can read. Upload a JPEG, PNG or WebP photo.",
            code="invalid_image",
        ) from exc
    finally:
        upload.seek(0)
    # The storage gives each a random name; only the extension is kept.
    return Photo(_jpeg(photo, "photo.jpg"), _jpeg(avatar, "avatar.jpg"))


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on white: JPEG has no transparency."""
    if image.mode in {"RGBA", "LA", "P"}:
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


def audio_duration(upload: UploadedFile) -> timedelta:
    """The length of an audio answer, read from the file itself."""
    _check_size(upload, settings.LIVERQA_AUDIO_MAX_BYTES, "audio file")
    extension = PurePath(upload.name).suffix.lower()
    if extension not in AUDIO_KINDS:
        raise ValidationError(
            f"Upload the audio as {AUDIO_EXTENSIONS}; “{extension or 'no extension'}” files "
            "are not accepted.",
            code="audio_extension",
        )
    all_kinds = tuple(kind for kinds in AUDIO_KINDS.values() for kind in kinds)
    try:
        upload.seek(0)
        audio = mutagen.File(upload, options=all_kinds)
    except (mutagen.MutagenError, OSError, ValueError, EOFError):
        audio = None
    finally:
        upload.seek(0)
    if audio is None or not audio.info or not getattr(audio.info, "length", 0):
        raise ValidationError(
            f"This file is not audio we can read. Upload an {AUDIO_EXTENSIONS} recording.",
            code="invalid_audio",
        )
    if not isinstance(audio, AUDIO_KINDS[extension]):
        real = next(ext for ext, kinds in AUDIO_KINDS.items() if isinstance(audio, kinds))
        raise ValidationError(
            f"This file holds {real.lstrip('.').upper()} audio but is named {extension}: rename "
            f"it to end in {real} and upload it again.",
            code="audio_extension_mismatch",
        )
    return timedelta(seconds=round(audio.info.length))
