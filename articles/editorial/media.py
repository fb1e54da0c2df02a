"""Uploaded media, checked before anything is stored: doctors' photos and audio answers.

Each function takes an uploaded file and either returns what to store or raises a
``ValidationError`` that the form shows beside the field. Files are stored by the model
fields, through Django's storage API, so S3-compatible storage is a settings change.

Both read files that anyone with an editor's password, or malware on an editor's computer, can
craft: parsers see only the formats we take, sizes are checked before anything is decoded, and
any error a parser raises means "not a file we can read", never a 500.
"""

import math
import struct
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO
from pathlib import PurePath
from typing import BinaryIO

import mutagen
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.ogg import OggPage
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE
from PIL import Image, ImageCms, ImageOps

PHOTO_SIZE = 800  # longest side of the stored photo, in pixels
AVATAR_SIZE = 192  # square; shown at 96 CSS pixels, sharp on high-density screens
PHOTO_MIN_SIZE = 96
# Beyond this a "photo" is a decompression bomb: a 6,300 × 6,300 PNG of a few kilobytes took
# hundreds of MiB to decode. Pillow itself refuses to open anything over twice this.
PHOTO_MAX_PIXELS = 25_000_000
Image.MAX_IMAGE_PIXELS = PHOTO_MAX_PIXELS
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP")  # the only parsers Pillow runs on an upload
SRGB = ImageCms.createProfile("sRGB")

# Audio answers are a minute or two; a file that says it lasts longer is damaged or crafted.
AUDIO_MAX_LENGTH = timedelta(hours=1)


def _check_size(upload: UploadedFile, limit: int, what: str) -> None:
    if upload.size > limit:
        raise ValidationError(
            f"This {what} is {filesizeformat(upload.size)}; the limit is {filesizeformat(limit)}.",
            code="file_too_large",
        )


# -- Photos ------------------------------------------------------------------------------------


@dataclass
class Photo:
    photo: ContentFile
    avatar: ContentFile


def process_photo(upload: UploadedFile) -> Photo:
    """A doctor's photo as stored: at most ``PHOTO_SIZE`` wide, upright, in sRGB, plus a square
    avatar; both re-encoded from the pixels alone, so no metadata survives (EXIF with the place
    it was taken, XMP, ICC profiles, JPEG comments, PNG text chunks)."""
    _check_size(upload, settings.LIVERQA_PHOTO_MAX_BYTES, "photo")
    megapixels = PHOTO_MAX_PIXELS // 1_000_000
    try:
        upload.seek(0)
        with Image.open(upload, formats=PHOTO_FORMATS) as image:
            # Only the header has been read so far: refuse before decoding.
            if image.width * image.height > PHOTO_MAX_PIXELS:
                raise ValidationError(
                    f"This photo is {image.width}×{image.height} pixels; "
                    f"please upload one of at most {megapixels} megapixels.",
                    code="photo_too_many_pixels",
                )
            if min(image.size) < PHOTO_MIN_SIZE:
                raise ValidationError(
                    f"This photo is only {image.width}×{image.height} pixels; it needs at least "
                    f"{PHOTO_MIN_SIZE}×{PHOTO_MIN_SIZE} to look sharp.",
                    code="photo_too_small",
                )
            icc_profile = image.info.get("icc_profile")
            if image.mode in {"1", "P", "PA"}:
                image = image.convert("RGBA")  # else resizing would pick pixels, not blend them
            # Decodes straight to the stored size (a JPEG at 1/2 to 1/8 scale), so the full
            # image is never held twice.
            image.thumbnail((PHOTO_SIZE, PHOTO_SIZE))
            image = _srgb(_flatten(ImageOps.exif_transpose(image)), icc_profile)
            avatar = ImageOps.fit(image, (AVATAR_SIZE, AVATAR_SIZE))
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:
        raise ValidationError(
            f"This photo has far too many pixels; please upload one of at most {megapixels} "
            "megapixels.",
            code="photo_too_many_pixels",
        ) from exc
    except Exception as exc:
        # Pillow on a crafted or truncated file raises more than OSError (SyntaxError,
        # struct.error, ZeroDivisionError…): every one means the same to the editor.
        raise ValidationError(
            "This file is not an image we can read. Upload a JPEG, PNG or WebP photo.",
            code="invalid_image",
        ) from exc
    finally:
        upload.seek(0)
    # The storage gives each a random name; only the extension is kept.
    return Photo(_jpeg(image, "photo.jpg"), _jpeg(avatar, "avatar.jpg"))


def _flatten(image: Image.Image) -> Image.Image:
    """Transparent pixels on white: JPEG has no transparency."""
    if image.mode in {"RGBA", "LA", "P", "PA"}:
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image


def _srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """The pixels converted from the photo's own colour profile into sRGB, the web's default,
    so the profile can be left out (it is metadata like any other, with text in it) and a
    wide-gamut phone photo keeps its colours. A profile that cannot be read is ignored."""
    if icc_profile:
        with suppress(ImageCms.PyCMSError, OSError, ValueError):
            source = ImageCms.ImageCmsProfile(BytesIO(icc_profile))
            return ImageCms.profileToProfile(image, source, SRGB, outputMode="RGB")
    return image.convert("RGB")


def _jpeg(image: Image.Image, name: str) -> ContentFile:
    # A new image from the pixels alone: Pillow would otherwise write the source's comment.
    pixels = Image.frombytes("RGB", image.size, image.convert("RGB").tobytes())
    buffer = BytesIO()
    pixels.save(buffer, "JPEG", quality=85, optimize=True)
    return ContentFile(buffer.getvalue(), name=name)


# -- Audio -------------------------------------------------------------------------------------


def _mpeg_audio(head: bytes) -> bool:
    """An ID3v2 tag, or an MPEG audio frame header (11 sync bits, a layer): not ADTS AAC."""
    return head.startswith(b"ID3") or (
        len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06 != 0
    )


def _ogg_pages(file: BinaryIO, size: int) -> bool:
    """Every byte is in an Ogg page: mutagen reads only the first pages and the last."""
    while file.tell() < size:
        OggPage(file)
    return file.tell() == size


def _mp4_boxes(file: BinaryIO, size: int) -> bool:
    """The top-level boxes (ftyp, moov, mdat…) end exactly where the file does."""
    offset = 0
    while offset < size:
        file.seek(offset)
        header = file.read(16)
        if len(header) < 8:
            return False
        length = struct.unpack(">I", header[:4])[0]
        if length == 1 and len(header) == 16:
            length = struct.unpack(">Q", header[8:16])[0]
        elif length == 0:  # the last box runs to the end of the file
            length = size - offset
        if length < 8:
            return False
        offset += length
    return offset == size


def _riff_chunk(file: BinaryIO, size: int) -> bool:
    """The RIFF chunk's declared length is the file's (plus a pad byte at most)."""
    file.seek(4)
    declared = 8 + struct.unpack("<I", file.read(4))[0]
    return declared in {size, size - 1}


@dataclass(frozen=True)
class AudioKind:
    name: str
    starts: Callable[[bytes], bool]  # the signature the file's first bytes must have
    readers: tuple[type[mutagen.FileType], ...]
    whole: Callable[[BinaryIO, int], bool]  # the container accounts for the whole file


AUDIO_KINDS = {
    ".mp3": AudioKind("MP3", _mpeg_audio, (MP3,), lambda file, size: True),
    ".m4a": AudioKind("M4A", lambda head: head[4:8] == b"ftyp", (MP4,), _mp4_boxes),
    ".ogg": AudioKind("Ogg", lambda head: head[:4] == b"OggS", (OggVorbis, OggOpus), _ogg_pages),
    ".wav": AudioKind(
        "WAV", lambda head: head[:4] == b"RIFF" and head[8:12] == b"WAVE", (WAVE,), _riff_chunk
    ),
}
AUDIO_EXTENSIONS = ", ".join(kind.name for kind in AUDIO_KINDS.values())


def audio_duration(upload: UploadedFile) -> timedelta:
    """The length of an audio answer, read from the file itself. The file must start with the
    signature of the container its name claims, and that container's parser must read it all,
    so a page with audio frames after it is not stored as "audio"."""
    _check_size(upload, settings.LIVERQA_AUDIO_MAX_BYTES, "audio file")
    extension = PurePath(upload.name).suffix.lower()
    if extension not in AUDIO_KINDS:
        raise ValidationError(
            f"Upload the audio as {AUDIO_EXTENSIONS}; “{extension or 'no extension'}” files "
            "are not accepted.",
            code="audio_extension",
        )
    unreadable = ValidationError(
        f"This file is not audio we can read. Upload an {AUDIO_EXTENSIONS} recording.",
        code="invalid_audio",
    )
    upload.seek(0)
    head = upload.read(12)
    real = next((ext for ext, kind in AUDIO_KINDS.items() if kind.starts(head)), None)
    if real is None:
        raise unreadable
    if real != extension:
        raise ValidationError(
            f"This file holds {AUDIO_KINDS[real].name} audio but is named {extension}: rename "
            f"it to end in {real} and upload it again.",
            code="audio_extension_mismatch",
        )
    kind = AUDIO_KINDS[extension]
    try:
        upload.seek(0)
        audio = mutagen.File(upload, options=kind.readers)
        if audio is None:
            raise unreadable
        length = audio.info.length
        upload.seek(0)
        whole = kind.whole(upload, upload.size) and not getattr(audio.info, "sketchy", False)
    except ValidationError:
        raise
    except Exception as exc:
        # mutagen on a crafted file raises far more than MutagenError (OverflowError,
        # ZeroDivisionError, struct.error, IndexError…); all mean the same to the editor.
        raise unreadable from exc
    finally:
        upload.seek(0)
    if not whole or not length or not math.isfinite(length) or length < 0:
        raise unreadable
    if length > AUDIO_MAX_LENGTH.total_seconds():
        raise ValidationError(
            "This file says the recording lasts more than an hour; an audio answer is at most "
            "an hour long. If yours is shorter the file is damaged: export it again.",
            code="audio_too_long",
        )
    return timedelta(seconds=round(length))
