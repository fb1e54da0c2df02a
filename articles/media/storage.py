"""Storage that gives every new upload a random name, so a file's address cannot be guessed
from what the editor called it (``audio/answer.mp3``) before its article is live."""

import re
import secrets
from pathlib import PurePosixPath

from django.core.files.storage import FileSystemStorage

SAFE_EXTENSION = re.compile(r"\.[a-z0-9]{1,5}")


def random_name(filename: str) -> str:
    """128 random bits as hex, plus the upload's extension if it is a plain one (``.mp3``)."""
    extension = PurePosixPath(filename).suffix.lower()
    return secrets.token_hex(16) + (extension if SAFE_EXTENSION.fullmatch(extension) else "")


class RandomNames:
    """Mixed into a storage backend. Model fields call ``get_valid_name`` for new uploads only
    (through ``generate_filename``), so files already stored keep their names."""

    def get_valid_name(self, name: str) -> str:
        return random_name(name)


class MediaStorage(RandomNames, FileSystemStorage):
    """The media folder (``MEDIA_ROOT``), with random names."""
