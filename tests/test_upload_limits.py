"""Upload limits: a file stops being stored once it passes its field's limit, and the form
says how big it was; a body bigger than its page takes is refused (413) before it is read; a
chunked body is refused (411)."""

import socket
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.urls import reverse

from .conftest import form_values, make_doctor
from .media_files import image_bytes, wav_bytes
from .uploads import post_audio, post_photo, stored_files

pytestmark = pytest.mark.django_db


# -- Sizes: each file stops being stored at its field's limit ----------------------------------


class ChunkRecorder(FileUploadHandler):
    """Placed after the limit handler: counts the bytes that reach Django's own handlers."""

    received = 0

    def receive_data_chunk(self, raw_data, start):
        ChunkRecorder.received += len(raw_data)
        return raw_data

    def file_complete(self, file_size):
        return None


@pytest.fixture
def recorded(settings):
    handlers = settings.FILE_UPLOAD_HANDLERS
    settings.FILE_UPLOAD_HANDLERS = [handlers[0], f"{__name__}.ChunkRecorder", *handlers[1:]]
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every file to a temporary file, as big ones go
    ChunkRecorder.received = 0
    return ChunkRecorder


@pytest.mark.parametrize(
    ("field", "name", "data", "limit", "message"),
    [
        ("audio", "a.wav", wav_bytes(30), 100_000, "This audio file is 234.4\xa0KB; the limit is"),
        ("photo", "p.png", image_bytes(900, 900, "BMP"), 300_000, "This photo is 2.3\xa0MB;"),
    ],
)
def test_a_file_past_its_limit_is_not_stored_and_the_form_says_so(
    staff_client, settings, recorded, field, name, data, limit, message
):
    settings.LIVERQA_AUDIO_MAX_BYTES = settings.LIVERQA_PHOTO_MAX_BYTES = limit
    post = post_photo if field == "photo" else post_audio
    response = post(staff_client, name, data)
    assert response.status_code == 200
    assert message in response.text
    assert limit - 70_000 < recorded.received <= limit  # chunks are 64 KB
    assert stored_files() == []


def test_a_file_in_a_field_that_takes_none_is_not_stored(staff_client, recorded):
    doctor = make_doctor()
    url = reverse("admin:articles_doctor_change", args=[doctor.pk])
    data = form_values(staff_client.get(url), "doctor_form")
    data["bio"] = SimpleUploadedFile("x.bin", b"x" * 100_000)
    assert staff_client.post(url, data).status_code == 302
    assert recorded.received == 0


# -- Whole requests: refused by their declared length before they are read ---------------------

BIG = 40 * 1024 * 1024


def declared(client, url: str, length: int, content_type: str, **extra):
    """A request that says it is ``length`` bytes long and sends 100: the test client fails
    if anything tries to read past them."""
    return client.generic(
        "POST", url, b"x" * 100, content_type=content_type, CONTENT_LENGTH=str(length), **extra
    )


MULTIPART = "multipart/form-data; boundary=xyz"
FORM = "application/x-www-form-urlencoded"


@pytest.mark.parametrize(
    ("who", "url", "content_type"),
    [
        ("reader", "admin:login", FORM),
        ("reader", "admin:login", MULTIPART),
        ("reader", "admin:articles_article_add", MULTIPART),  # only an editor may send files
        ("reader", "articles:search", "application/json"),
        ("staff_client", "admin:articles_topic_changelist", MULTIPART),  # takes no files
        ("staff_client", "admin:articles_article_add", FORM),
    ],
)
def test_a_body_bigger_than_its_page_takes_is_refused_unread(request, who, url, content_type):
    client = request.getfixturevalue(who)
    response = declared(client, reverse(url), BIG, content_type)
    assert response.status_code == 413
    assert "This request is 40.0\xa0MB; this address takes a form of at most 2.5\xa0MB" in (
        response.text
    )


def test_an_editors_upload_may_be_as_big_as_its_file_and_form(staff_client, settings):
    url = reverse("admin:articles_article_add")
    response = declared(staff_client, url, BIG, MULTIPART)
    assert response.status_code == 413
    assert "takes an audio file of at most 30.0\xa0MB with its form" in response.text
    settings.LIVERQA_AUDIO_MAX_BYTES = BIG
    # Within the limit the body is read: the test client then runs out of the 100 bytes.
    with pytest.raises(AssertionError, match="Cannot read more than the available bytes"):
        declared(staff_client, url, BIG, MULTIPART)


def test_a_chunked_body_is_refused(reader):
    response = reader.post(reverse("admin:login"), {}, HTTP_TRANSFER_ENCODING="chunked")
    assert response.status_code == 411
    assert "Content-Length" in response.text


def raw_request(server_url: str, head: str, body: bytes) -> tuple[bytes, float]:
    host, port = server_url.removeprefix("http://").split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(head.encode() + b"\r\n" + body)
        reply = connection.recv(4096)
    return reply, time.monotonic() - started


@pytest.mark.django_db(transaction=True)
def test_a_server_answers_a_false_length_at_once(live_server):
    """40 MB declared, 100 bytes sent, the connection left open: the refusal must not wait for
    the rest."""
    reply, seconds = raw_request(
        live_server.url,
        "POST /admin/login/ HTTP/1.1\r\nHost: localhost\r\n"
        f"Content-Type: {FORM}\r\nContent-Length: {BIG}\r\n",
        b"x" * 100,
    )
    assert reply.startswith(b"HTTP/1.1 413 ")
    assert seconds < 5


@pytest.mark.django_db(transaction=True)
def test_a_server_refuses_a_chunked_body_at_once(live_server):
    chunk = b"x" * 65536
    reply, seconds = raw_request(
        live_server.url,
        "POST /admin/login/ HTTP/1.1\r\nHost: localhost\r\n"
        f"Content-Type: {FORM}\r\nTransfer-Encoding: chunked\r\n",
        b"%x\r\n%s\r\n" % (len(chunk), chunk),
    )
    assert reply.startswith(b"HTTP/1.1 411 ")
    assert seconds < 5
