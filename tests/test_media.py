"""Uploads: doctors' photos (checked, resized, with an avatar) and audio answers (length read
from the file). Bad files are form errors that store nothing."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles import durations
from articles.models import Article, Doctor

from .conftest import add_article_data, change_article_data, form_values, make_article, make_doctor
from .media_files import image_bytes, mp3_bytes, ogg_vorbis_bytes, wav_bytes
from .uploads import stored_files

pytestmark = pytest.mark.django_db


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


# -- Audio -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "seconds", "human"),
    [
        ("answer.wav", wav_bytes(62), 62, "1min 2sec"),
        ("answer.ogg", ogg_vorbis_bytes(42), 42, "42sec"),
        ("answer.mp3", mp3_bytes(10), 10, "10sec"),
    ],
)
def test_audio_length_is_read_from_the_file(staff_client, reader, name, data, seconds, human):
    doctor = make_doctor()
    response = staff_client.post(
        reverse("admin:articles_article_add"),
        add_article_data(
            staff_client, title="Q?", doctor=doctor.pk, _publish="Publish", audio=upload(name, data)
        ),
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.audio_duration == timedelta(seconds=seconds)
    assert article.audio.name.startswith("audio/") and "answer" not in article.audio.name
    assert default_storage.exists(article.audio.name)
    page = reader.get(article.get_absolute_url()).text
    assert f'<time datetime="{durations.iso8601(article.audio_duration)}">{human}</time>' in page


def test_the_length_cannot_be_typed_by_hand(staff_client):
    article = make_article()
    form = staff_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert "audio_duration" not in form.context["adminform"].form.fields
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = change_article_data(staff_client, article, audio_duration="00:09:59")
    assert staff_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.audio_duration is None


BAD_AUDIO = {
    "text renamed .mp3": ("answer.mp3", b"Not audio at all, just words.\n" * 50, "not audio we"),
    "empty .wav": ("answer.wav", b"", "empty"),
    "wav named .mp3": ("answer.mp3", wav_bytes(3), "holds WAV audio but is named .mp3"),
    "unknown extension": ("answer.flac", wav_bytes(3), "are not accepted"),
    "no extension": ("answer", wav_bytes(3), "are not accepted"),
    "image named .ogg": ("answer.ogg", image_bytes(200, 200), "not audio we"),
}


@pytest.mark.parametrize("case", BAD_AUDIO)
def test_bad_audio_is_a_form_error_and_nothing_is_stored(staff_client, case):
    name, data, message = BAD_AUDIO[case]
    article = make_article(audio_duration=timedelta(seconds=5))
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = change_article_data(staff_client, article, title="Changed?", audio=upload(name, data))
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert message in response.text
    article.refresh_from_db()
    assert article.title != "Changed?"  # the whole form is refused, not just the file
    assert not article.audio and article.audio_duration == timedelta(seconds=5)
    assert stored_files() == []


def test_oversize_audio_is_refused(staff_client, settings):
    settings.LIVERQA_AUDIO_MAX_BYTES = 10_000
    data = add_article_data(
        staff_client, title="Q?", doctor=make_doctor().pk, audio=upload("a.wav", wav_bytes(3))
    )
    response = staff_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert "This audio file is 23.5\xa0KB; the limit is 9.8\xa0KB." in response.text
    assert not Article.objects.exists()


def test_clearing_the_audio_clears_its_length(staff_client):
    article = make_article()
    url = reverse("admin:articles_article_change", args=[article.pk])
    publish = {"_publish": "Publish changes"}
    data = change_article_data(
        staff_client, article, audio=upload("a.wav", wav_bytes(4)), **publish
    )
    assert staff_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.audio_duration == timedelta(seconds=4)
    data = change_article_data(staff_client, article, **{"audio-clear": "on"}, **publish)
    assert staff_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert not article.audio and article.audio_duration is None


# -- Photos ------------------------------------------------------------------------------------


def post_photo(client, doctor: Doctor, photo):
    url = reverse("admin:articles_doctor_change", args=[doctor.pk])
    data = form_values(client.get(url), "doctor_form") | {"photo": photo}
    return client.post(url, data)


def test_photo_is_stored_resized_with_a_square_avatar(staff_client, reader):
    doctor = make_doctor("Sun Wei")
    photo = upload("portrait.png", image_bytes(1600, 1200), "image/png")
    assert post_photo(staff_client, doctor, photo).status_code == 302
    doctor.refresh_from_db()
    assert doctor.photo.name.startswith("doctors/") and doctor.photo.name.endswith(".jpg")
    with default_storage.open(doctor.photo.name) as stored, Image.open(stored) as image:
        assert (image.format, image.size) == ("JPEG", (800, 600))
    with default_storage.open(doctor.avatar.name) as stored, Image.open(stored) as image:
        assert image.size == (192, 192)
    page = reader.get(make_article(doctor=doctor).get_absolute_url()).text
    assert f'src="/media/{doctor.avatar.name}" alt="Photo of Sun Wei"' in page
    profile = reader.get(doctor.get_absolute_url()).text
    assert f'src="/media/{doctor.photo.name}" alt="Photo of Sun Wei"' in profile


BAD_PHOTOS = {
    "text renamed .jpg": ("photo.jpg", b"just text" * 100, "not an image we can read"),
    "too small": ("photo.png", image_bytes(40, 40), "needs at least 96×96"),
    "too many pixels": ("photo.png", image_bytes(6000, 4200, mode="1"), "at most 25 megapixels"),
    "gif": ("photo.gif", image_bytes(200, 200, "GIF"), "Upload a JPEG, PNG or WebP photo."),
}


@pytest.mark.parametrize("case", BAD_PHOTOS)
def test_bad_photos_are_form_errors_and_nothing_is_stored(staff_client, case):
    name, data, message = BAD_PHOTOS[case]
    doctor = make_doctor("Sun Wei")
    response = post_photo(staff_client, doctor, upload(name, data))
    assert response.status_code == 200
    assert message in response.text
    doctor.refresh_from_db()
    assert not doctor.photo and not doctor.avatar
    assert stored_files() == []


def test_oversize_photo_is_refused(staff_client, settings):
    settings.LIVERQA_PHOTO_MAX_BYTES = 2_000
    doctor = make_doctor()
    data = image_bytes(600, 600, "JPEG")
    assert len(data) > 2_000
    response = post_photo(staff_client, doctor, upload("big.jpg", data, "image/jpeg"))
    assert response.status_code == 200
    assert "This photo is" in response.text and "the limit is 2.0\xa0KB" in response.text
    doctor.refresh_from_db()
    assert not doctor.photo


def test_media_go_through_the_storage_api(settings, staff_client, tmp_path):
    """Another storage backend is a settings change: here, one rooted somewhere else."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "elsewhere"), "base_url": "/cdn/"},
        },
    }
    doctor = make_doctor("Yan Chun")
    assert (
        post_photo(staff_client, doctor, upload("p.png", image_bytes(300, 300))).status_code == 302
    )
    doctor.refresh_from_db()
    assert (tmp_path / "elsewhere" / doctor.avatar.name).exists()
    assert doctor.avatar.url.startswith("/cdn/doctors/avatars/")
