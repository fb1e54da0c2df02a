"""Uploaded files over HTTP: readers get a file only while a row they may see refers to it,
editors get any stored file, and everyone else a 404 that tells nothing."""

import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

from .conftest import add_article_data, change_article_data, make_article, make_doctor
from .media_files import image_bytes, mp3_bytes

pytestmark = pytest.mark.django_db

AUDIO = mp3_bytes(2)  # 32,109 bytes


def store(name: str, data: bytes) -> str:
    """A file saved under exactly ``name``, as files stored before random names were."""
    return default_storage.save(name, ContentFile(data))


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def media_url(name: str) -> str:
    return reverse("media_file", args=[name])


@pytest.fixture
def live_audio() -> str:
    name = store("audio/answer.mp3", AUDIO)
    make_article(audio=name)
    return name


# -- Who may fetch what --------------------------------------------------------------------------


def test_a_live_articles_audio_is_served_to_readers_with_one_query(
    reader, live_audio, django_assert_num_queries
):
    with django_assert_num_queries(1):
        response = reader.get(f"/media/{live_audio}")
    assert response.status_code == 200
    assert body(response) == AUDIO
    assert response["Content-Type"] == "audio/mpeg"
    assert response["Content-Length"] == str(len(AUDIO))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Disposition"] == "inline"
    assert response["Cache-Control"] == "public, max-age=86400"
    assert response["ETag"].startswith('"') and response["Last-Modified"].endswith("GMT")
    assert "Cookie" not in response.get("Vary", "")


def test_the_page_cache_leaves_files_alone(settings, reader, live_audio, django_assert_num_queries):
    settings.LIVERQA_PAGE_CACHE_SECONDS = 600  # on, as in production
    with django_assert_num_queries(1):
        response = reader.get(media_url(live_audio))
    assert response.status_code == 200 and "X-Page-Cache" not in response


def test_the_article_page_links_to_the_file_the_view_serves(reader, live_audio):
    article = Article.objects.get()
    page = reader.get(article.get_absolute_url()).text
    assert f'src="{media_url(live_audio)}"' in page
    assert reader.get(media_url(live_audio)).status_code == 200


def test_doctors_photos_and_avatars_are_public(reader, django_assert_num_queries):
    photo = store("doctors/portrait.jpg", image_bytes(200, 200, "JPEG"))
    avatar = store("doctors/avatars/portrait.png", image_bytes(96, 96))
    make_doctor(photo=photo, avatar=avatar)
    for name, content_type in [(photo, "image/jpeg"), (avatar, "image/png")]:
        with django_assert_num_queries(1):
            response = reader.get(media_url(name))
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert response["Cache-Control"] == "public, max-age=86400"


@pytest.mark.parametrize(
    "publication",
    [
        {"status": Article.Status.DRAFT, "published_at": None},
        {"status": Article.Status.PUBLISHED, "published_at": timezone.now() + timedelta(days=1)},
    ],
    ids=["draft", "scheduled"],
)
def test_unpublished_audio_is_a_404_for_readers_and_private_for_editors(
    reader, editor_client, publication, django_assert_max_num_queries
):
    name = store("audio/draft.mp3", AUDIO)
    make_article(audio=name, **publication)
    assert reader.get(media_url(name)).status_code == 404
    # The file's rule, then what any staff page costs: session, user, their permissions.
    with django_assert_max_num_queries(5):
        response = editor_client.get(media_url(name))
    assert response.status_code == 200
    assert body(response) == AUDIO
    assert response["Cache-Control"] == "private, no-store"


def test_a_scheduled_answers_audio_is_public_once_it_goes_live(reader, time_machine):
    name = store("audio/scheduled.mp3", AUDIO)
    make_article(audio=name, published_at=timezone.now() + timedelta(hours=1))
    assert reader.get(media_url(name)).status_code == 404
    time_machine.move_to(timezone.now() + timedelta(hours=1, seconds=1))
    assert reader.get(media_url(name)).status_code == 200


def test_a_replaced_file_is_for_editors_only(reader, staff_client, live_audio):
    article = Article.objects.get()
    article.audio = store("audio/newer.mp3", AUDIO[:1000])
    article.save()
    assert reader.get(media_url(live_audio)).status_code == 404
    assert reader.get(media_url(article.audio.name)).status_code == 200
    response = staff_client.get(media_url(live_audio))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_staff_without_the_view_permission_are_readers(client, django_user_model):
    name = store("audio/draft.mp3", AUDIO)
    make_article(audio=name, status=Article.Status.DRAFT, published_at=None)
    client.force_login(django_user_model.objects.create_user("porter", is_staff=True))
    assert client.get(media_url(name)).status_code == 404


def test_unknown_files_are_404_for_everyone(reader, staff_client):
    store("audio/stray.mp3", AUDIO)  # on disk, but no row refers to it
    assert reader.get("/media/audio/stray.mp3").status_code == 404
    assert staff_client.get("/media/audio/stray.mp3").status_code == 200
    for client in (reader, staff_client):
        assert client.get("/media/audio/missing.mp3").status_code == 404
        assert client.get("/media/audio").status_code == 404  # a folder is not a file


def test_a_row_pointing_at_a_missing_file_is_a_404(reader):
    make_article(audio="audio/lost.mp3")
    assert reader.get("/media/audio/lost.mp3").status_code == 404


TRAVERSALS = [
    "/media/../manage.py",
    "/media/%2e%2e/settings.py",
    "/media/%2E%2E/secret.txt",
    "/media/audio/../../secret.txt",
    "/media/audio/..%2f..%2fsecret.txt",
    "/media/audio/%00x",
    "/media/audio/answer.mp3%00.jpg",
    "/media/..%5c..%5cetc",
    "/media/audio%5canswer.mp3",
    "/media//etc/passwd",
    "/media/%2fetc%2fpasswd",
    "/media/./audio/answer.mp3",
]


@pytest.mark.parametrize("address", TRAVERSALS)
def test_path_traversal_is_a_404_even_for_editors(
    reader, staff_client, live_audio, settings, address, django_assert_max_num_queries
):
    (settings.MEDIA_ROOT.parent / "secret.txt").write_text("not for anyone")
    for client in (reader, staff_client):
        response = client.get(address)
        assert response.status_code == 404
        assert b"not for anyone" not in response.content
    with django_assert_max_num_queries(0):
        assert reader.get(address).status_code == 404


def test_a_doubly_encoded_dot_is_only_an_unknown_name(reader, staff_client, settings):
    (settings.MEDIA_ROOT.parent / "secret.txt").write_text("not for anyone")
    for client in (reader, staff_client):
        assert client.get("/media/%252e%252e/secret.txt").status_code == 404


def test_only_get_and_head(reader, live_audio):
    assert reader.post(media_url(live_audio)).status_code == 405
    head = reader.head(media_url(live_audio))
    assert head.status_code == 200 and head["Content-Length"] == str(len(AUDIO))


# -- Byte ranges and revalidation ----------------------------------------------------------------


def test_a_range_is_206_with_those_bytes(reader, live_audio):
    response = reader.get(media_url(live_audio), headers={"Range": "bytes=0-99"})
    assert response.status_code == 206
    assert body(response) == AUDIO[:100]
    assert response["Content-Range"] == f"bytes 0-99/{len(AUDIO)}"
    assert response["Content-Length"] == "100"
    assert response["Content-Type"] == "audio/mpeg"


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [("bytes=-10", len(AUDIO) - 10, len(AUDIO) - 1), ("bytes=32000-", 32000, len(AUDIO) - 1)],
)
def test_suffix_and_open_ranges(reader, live_audio, header, first, last):
    response = reader.get(media_url(live_audio), headers={"Range": header})
    assert response.status_code == 206
    assert body(response) == AUDIO[first : last + 1]
    assert response["Content-Range"] == f"bytes {first}-{last}/{len(AUDIO)}"


def test_a_range_past_the_end_is_416(reader, live_audio):
    response = reader.get(media_url(live_audio), headers={"Range": f"bytes={len(AUDIO)}-"})
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(AUDIO)}"


def test_several_ranges_get_the_whole_file(reader, live_audio):
    response = reader.get(media_url(live_audio), headers={"Range": "bytes=0-1,5-9"})
    assert response.status_code == 200
    assert body(response) == AUDIO


def test_revalidation_is_304(reader, live_audio):
    first = reader.get(media_url(live_audio))
    for header, value in [
        ("If-None-Match", first["ETag"]),
        ("If-Modified-Since", first["Last-Modified"]),
    ]:
        response = reader.get(media_url(live_audio), headers={header: value})
        assert response.status_code == 304
        assert response["ETag"] == first["ETag"]
        assert response["Cache-Control"] == "public, max-age=86400"
    assert reader.get(media_url(live_audio), headers={"If-None-Match": '"old"'}).status_code == 200


def test_if_range_of_another_version_gets_the_whole_file(reader, live_audio):
    etag = reader.get(media_url(live_audio))["ETag"]
    same = reader.get(media_url(live_audio), headers={"Range": "bytes=0-9", "If-Range": etag})
    assert same.status_code == 206
    other = reader.get(media_url(live_audio), headers={"Range": "bytes=0-9", "If-Range": '"x"'})
    assert other.status_code == 200
    assert body(other) == AUDIO


# -- Stored names --------------------------------------------------------------------------------


def test_new_uploads_get_random_names(staff_client):
    doctor = make_doctor()
    for title in ["First?", "Second?"]:
        upload = SimpleUploadedFile("answer.mp3", AUDIO, content_type="audio/mpeg")
        data = add_article_data(
            staff_client, title=title, doctor=doctor.pk, _publish="Publish", audio=upload
        )
        assert staff_client.post(reverse("admin:articles_article_add"), data).status_code == 302
    names = [article.audio.name for article in Article.objects.order_by("pk")]
    assert names[0] != names[1]
    for name in names:
        assert re.fullmatch(r"audio/[0-9a-f]{32}\.mp3", name)
        assert default_storage.exists(name)


def test_files_stored_before_keep_their_names(reader, live_audio):
    article = Article.objects.get()
    article.title = "Edited?"
    article.save()
    assert Article.objects.get().audio.name == "audio/answer.mp3"
    assert reader.get("/media/audio/answer.mp3").status_code == 200


# -- nginx sends the bytes -----------------------------------------------------------------------


def test_with_accel_redirect_nginx_sends_what_the_view_allows(
    settings, reader, staff_client, live_audio
):
    settings.LIVERQA_MEDIA_ACCEL_REDIRECT = "/protected-media/"
    response = reader.get(media_url(live_audio))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-media/audio/answer.mp3"
    assert response["Content-Type"] == "audio/mpeg"
    assert response["Cache-Control"] == "public, max-age=86400"
    assert response.content == b""

    draft = store("audio/ça va.mp3", AUDIO)
    make_article(audio=draft, status=Article.Status.DRAFT, published_at=None)
    assert reader.get(media_url(draft)).status_code == 404
    response = staff_client.get(media_url(draft))
    assert response["X-Accel-Redirect"] == "/protected-media/audio/%C3%A7a%20va.mp3"
    assert response["Cache-Control"] == "private, no-store"
    assert staff_client.get("/media/audio/missing.mp3").status_code == 404


def test_audio_uploaded_to_a_working_copy_is_for_editors_until_published(
    reader, staff_client, live_audio
):
    # A live answer's form edits its hidden working copy: the new file must stay as private as
    # a draft's until "Publish changes", while readers keep the live one.
    article = Article.objects.get()
    url = reverse("admin:articles_article_change", args=[article.pk])
    upload = SimpleUploadedFile("newer.mp3", AUDIO, content_type="audio/mpeg")
    data = change_article_data(staff_client, article) | {"audio": upload}
    assert staff_client.post(url, data).status_code == 302
    copy = Article.all_rows.get(working_copy_of=article)
    assert copy.audio.name != live_audio
    assert reader.get(media_url(copy.audio.name)).status_code == 404
    assert reader.get(media_url(live_audio)).status_code == 200
    response = staff_client.get(media_url(copy.audio.name))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    data = change_article_data(staff_client, article, _publish="Publish changes")  # a reason too
    assert staff_client.post(url, data).status_code == 302
    assert Article.objects.get().audio.name == copy.audio.name
    assert reader.get(media_url(copy.audio.name)).status_code == 200
