"""Where uploads are kept: under random names, so an address cannot be guessed."""

import re

import pytest
from django.core.files.storage import default_storage


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
