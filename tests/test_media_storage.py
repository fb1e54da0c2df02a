"""Where uploads are kept: random names in the media folder, or a private S3-compatible bucket
chosen by environment variables. Nothing here reaches the network: botocore signs addresses
offline, and a socket opened by mistake fails the test."""

import os
import re
import socket
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage

from articles.media.s3 import S3MediaStorage
from articles.models import Article
from liverqa.settings import media_storage

from .conftest import make_article

BUCKET_ENV = {
    "AWS_STORAGE_BUCKET_NAME": "liverqa-media",
    "AWS_S3_ENDPOINT_URL": "https://s3.example.test",
    "AWS_S3_REGION_NAME": "eu-west-1",
}
# Made-up credentials, so botocore neither looks for real ones nor asks a metadata service.
CREDENTIALS_ENV = {
    "AWS_ACCESS_KEY_ID": "AKIAEXAMPLEEXAMPLE00",
    "AWS_SECRET_ACCESS_KEY": "example-secret-example-secret-example-00",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}


@pytest.mark.parametrize(
    ("upload", "extension"),
    [
        ("answer.mp3", ".mp3"),
        ("Answer.MP3", ".mp3"),
        ("photo.jpeg", ".jpeg"),
        ("no-extension", ""),
        ("page.html<script>", ""),
        ("archive.tar.gz", ".gz"),
        ("take.2.WAV", ".wav"),
    ],
)
def test_random_names_keep_only_a_plain_lower_case_extension(upload, extension):
    name = default_storage.generate_filename(f"audio/{upload}")
    assert re.fullmatch(rf"audio/[0-9a-f]{{32}}{re.escape(extension)}", name)


def test_without_a_bucket_uploads_go_to_the_media_folder():
    assert media_storage({}) == {"BACKEND": "articles.media.storage.MediaStorage"}


def test_a_bucket_name_chooses_the_private_s3_backend():
    config = media_storage(BUCKET_ENV | {"AWS_S3_ADDRESSING_STYLE": ""})
    assert config["BACKEND"] == "articles.media.s3.S3MediaStorage"
    assert config["OPTIONS"] == {
        "bucket_name": "liverqa-media",
        "endpoint_url": "https://s3.example.test",
        "region_name": "eu-west-1",
        "querystring_auth": True,
        "signature_version": "s3v4",
        "default_acl": None,
        "file_overwrite": False,
    }


@pytest.fixture
def bucket(settings, monkeypatch):
    """The S3 backend as settings configure it, with the network cut off."""
    for name, value in CREDENTIALS_ENV.items():
        monkeypatch.setenv(name, value)

    def refuse(*args, **kwargs):
        raise AssertionError("the test tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    settings.STORAGES = {**settings.STORAGES, "default": media_storage(BUCKET_ENV)}
    return default_storage


def signed_parts(url: str) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}", parse_qs(parts.query)


def test_the_bucket_signs_addresses_offline_and_pages_link_to_the_site(bucket):
    assert isinstance(bucket, S3MediaStorage)
    assert bucket.generate_filename("audio/answer.mp3") != "audio/answer.mp3"
    assert bucket.url("audio/ab cd.mp3") == "/media/audio/ab%20cd.mp3"
    address, query = signed_parts(bucket.signed_url("audio/abcd.mp3", 600))
    assert address == "https://s3.example.test/liverqa-media/audio/abcd.mp3"
    assert query["X-Amz-Expires"] == ["600"]
    assert query["X-Amz-Credential"][0].startswith("AKIAEXAMPLEEXAMPLE00/")
    assert re.fullmatch(r"[0-9a-f]{64}", query["X-Amz-Signature"][0])


@pytest.mark.django_db
def test_the_view_redirects_to_a_signed_address_by_the_same_rules(
    bucket, reader, staff_client, monkeypatch
):
    make_article(audio="audio/live.mp3")
    make_article(audio="audio/draft.mp3", status=Article.Status.DRAFT, published_at=None)

    response = reader.get("/media/audio/live.mp3")
    assert response.status_code == 302
    address, query = signed_parts(response["Location"])
    assert address.endswith("/liverqa-media/audio/live.mp3") and "X-Amz-Signature" in query
    assert response["Cache-Control"] == "public, max-age=300"  # half the signature's life

    assert reader.get("/media/audio/draft.mp3").status_code == 404
    # Editors may fetch any stored file; the bucket's answer to "does it exist?" is stubbed.
    monkeypatch.setattr(S3MediaStorage, "exists", lambda storage, name: name == "audio/draft.mp3")
    response = staff_client.get("/media/audio/draft.mp3")
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    assert staff_client.get("/media/audio/missing.mp3").status_code == 404


def start_site(check: str, **env: str) -> subprocess.CompletedProcess:
    """Python running ``check`` after django.setup(), with ``env`` and no AWS_ variables of ours."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    environment |= CREDENTIALS_ENV | env | {"DJANGO_SETTINGS_MODULE": "liverqa.settings"}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup();" + check],
        cwd=django_settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_environment_chooses_the_bucket_when_the_site_starts():
    result = start_site(
        "from django.core.files.storage import default_storage as s;"
        "print(s.__class__.__name__);"
        "print(s.signed_url('audio/x.mp3', 600))",
        **BUCKET_ENV,
    )
    assert result.returncode == 0, result.stderr
    backend, signed = result.stdout.split()
    assert backend == "S3MediaStorage"
    assert signed.startswith("https://s3.example.test/liverqa-media/audio/x.mp3?")
    assert "X-Amz-Signature=" in signed


@pytest.mark.parametrize(
    ("env", "error"),
    [
        ({"LIVERQA_MEDIA_ACCEL_REDIRECT": "protected-media"}, "must be a path such as"),
        ({"LIVERQA_MEDIA_ACCEL_REDIRECT": "/protected-media/", **BUCKET_ENV}, "not both"),
    ],
)
def test_a_media_setting_that_cannot_work_stops_the_start(env, error):
    result = start_site("", DJANGO_DEBUG="1", **env)
    assert result.returncode != 0
    assert error in result.stderr
