"""Hostile files through the real admin forms: each is a clear form error or a clean save,
never a 500, and nothing is stored on error. Stored photos and avatars keep no metadata."""

from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from PIL import ExifTags, Image

from articles.models import Article, Doctor

from .media_files import (
    PAYLOAD,
    image_bytes,
    jpeg_with_metadata,
    m4a_bytes,
    mp3_bytes,
    ogg_vorbis_bytes,
    png_header_only,
    png_with_text,
    wav_bytes,
)
from .uploads import post_audio, post_photo, stored_files

pytestmark = [
    pytest.mark.django_db,
    # Pillow warns about the bombs before the photo check refuses them.
    pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning"),
]


WAV = wav_bytes(3)
OGG = ogg_vorbis_bytes(10)
M4A = m4a_bytes(10)
JPEG = image_bytes(300, 300, "JPEG")
PNG = image_bytes(300, 300, "PNG")

# name: (field, file name, bytes, the form error, or None for a clean save)
HOSTILE = {
    "PNG bomb, 6,300 × 6,300 in 60 KB": (
        "photo",
        "bomb.png",
        image_bytes(6300, 6300, mode="1"),
        "6300×6300 pixels; please upload one of at most 25 megapixels",
    ),
    "PNG header claiming 10 gigapixels": (
        "photo",
        "huge.png",
        png_header_only(100_000, 100_000),
        "far too many pixels",
    ),
    "JPEG with <script> comment, EXIF GPS, XMP, ICC": (
        "photo",
        "meta.jpg",
        jpeg_with_metadata(),
        None,
    ),
    "PNG with tEXt, zTXt, iTXt": ("photo", "text.png", png_with_text(), None),
    "truncated JPEG": ("photo", "cut.jpg", JPEG[: len(JPEG) // 2], "not an image we can read"),
    "truncated PNG": ("photo", "cut.png", PNG[: len(PNG) // 2], "not an image we can read"),
    "zero-byte photo": ("photo", "empty.jpg", b"", "The submitted file is empty."),
    "HTML named .jpg": ("photo", "page.jpg", b"<html><script>x</script>", "not an image we"),
    "TIFF (a parser we never run)": (
        "photo",
        "photo.tif",
        image_bytes(200, 200, "TIFF"),
        "not an image we can read",
    ),
    "<html><script> then MP3 frames": (
        "audio",
        "answer.mp3",
        b"<html><script>alert(1)</script>" + mp3_bytes(3),
        "not audio we can read",
    ),
    "Ogg with granule 2^62 at 1 Hz": (
        "audio",
        "answer.ogg",
        ogg_vorbis_bytes(1, rate=1, position=2**62),
        "lasts more than an hour",
    ),
    "Ogg at 0 Hz": ("audio", "answer.ogg", ogg_vorbis_bytes(1, rate=0), "not audio we can read"),
    "truncated WAV": ("audio", "answer.wav", WAV[: len(WAV) // 2], "not audio we can read"),
    "WAV with a page after it": (
        "audio",
        "answer.wav",
        WAV + b"<html><script>alert(1)</script>",
        "not audio we can read",
    ),
    "truncated Ogg": ("audio", "answer.ogg", OGG[:-10], "not audio we can read"),
    "Ogg with a page after it": ("audio", "answer.ogg", OGG + b"<html>", "not audio we can"),
    "truncated MP3": ("audio", "answer.mp3", mp3_bytes(10)[:1000], "not audio we can read"),
    "truncated M4A": ("audio", "answer.m4a", M4A[:-10], "not audio we can read"),
    "zero-byte audio": ("audio", "answer.mp3", b"", "The submitted file is empty."),
    "M4A": ("audio", "answer.m4a", M4A, None),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_files_are_form_errors_or_clean_saves(staff_client, case):
    field, name, data, error = HOSTILE[case]
    post = post_photo if field == "photo" else post_audio
    response = post(staff_client, name, data)
    if error is None:
        assert response.status_code == 302
        assert stored_files()
    else:
        assert response.status_code == 200
        assert error in response.text
        assert stored_files() == []
        assert not Article.objects.exists()
        assert not Doctor.objects.exclude(photo="").exists()


def test_an_m4a_answer_keeps_its_length(staff_client):
    assert post_audio(staff_client, "answer.m4a", m4a_bytes(95)).status_code == 302
    assert Article.objects.get().audio_duration.total_seconds() == 95


@pytest.mark.parametrize(
    ("name", "data"), [("meta.jpg", jpeg_with_metadata()), ("text.png", png_with_text())]
)
def test_stored_photo_and_avatar_keep_no_metadata(staff_client, name, data):
    with Image.open(BytesIO(data)) as original:  # what the upload carries
        metadata = original.info.keys() & {"comment", "exif", "xmp", "icc_profile"}
        metadata |= original.text.keys() if hasattr(original, "text") else set()
    assert PAYLOAD.encode() in data and metadata
    assert post_photo(staff_client, name, data).status_code == 302
    doctor = Doctor.objects.get()
    for stored_file in (doctor.photo, doctor.avatar):
        with default_storage.open(stored_file.name) as stored:
            stored_bytes = stored.read()
        assert PAYLOAD.encode() not in stored_bytes
        with Image.open(BytesIO(stored_bytes)) as image:
            # JFIF's APP0 only: no APP1 (EXIF, XMP), APP2 (ICC), APP13 (IPTC) or COM.
            assert [marker for marker, _ in image.applist] == ["APP0"]
            assert not image.info.keys() & {"comment", "exif", "xmp", "icc_profile"}
            assert not image.getexif()


def test_exif_orientation_is_applied_before_it_is_dropped(staff_client):
    data = jpeg_with_metadata(300, 200)
    with Image.open(BytesIO(data)) as original:
        assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the place it was taken
    assert post_photo(staff_client, "meta.jpg", data).status_code == 302
    with default_storage.open(Doctor.objects.get().photo.name) as stored, Image.open(stored) as im:
        assert im.size == (200, 300)  # upright: stored sideways with orientation 6
