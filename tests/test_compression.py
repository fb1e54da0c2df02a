"""Pages go out gzipped to browsers that accept it; files go out as stored."""

import gzip

import pytest

from .conftest import make_article
from .test_media_serving import AUDIO, media_url, store

pytestmark = pytest.mark.django_db

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def test_a_page_is_gzipped_and_still_revalidates(reader):
    article = make_article()
    plain = reader.get(article.get_absolute_url())
    packed = reader.get(article.get_absolute_url(), headers=GZIP)
    assert "Content-Encoding" not in plain and "Accept-Encoding" in plain["Vary"]
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 2
    again = reader.get(article.get_absolute_url(), headers=GZIP | {"If-None-Match": packed["ETag"]})
    assert again.status_code == 304


def test_a_range_of_a_media_file_is_the_stored_bytes(reader):
    make_article(audio=store("audio/answer.mp3", AUDIO))
    response = reader.get(media_url("audio/answer.mp3"), headers=GZIP | {"Range": "bytes=0-9"})
    assert response.status_code == 206
    assert "Content-Encoding" not in response
    assert b"".join(response.streaming_content) == AUDIO[:10]
