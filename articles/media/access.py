"""Which stored file an address names, and whether readers may fetch it.

Readers may fetch a file only while a current row refers to it and they may see that row: a
doctor's photo or avatar (doctor pages are public), or the audio of a live article. A draft's
or a scheduled answer's audio, and a file a newer upload replaced (kept because the history
still points to it), are for editors only.
"""

import unicodedata

from django.db.models import Q

from ..models import Article, Doctor


def stored_name(path: str) -> str | None:
    """``path`` as a name in the media storage, or None if it could reach outside it: an empty,
    "." or ".." segment (so no absolute path either), a backslash or a control character such
    as NUL. Percent-encoded forms arrive here decoded, so they are refused alike."""
    if any(part in {"", ".", ".."} for part in path.split("/")):
        return None
    if "\\" in path or any(unicodedata.category(char) == "Cc" for char in path):
        return None
    return path


def is_public(name: str) -> bool:
    """Whether a current row that readers may see refers to the file ``name``: one query."""
    live_audio = Article.objects.published().filter(audio=name).values("pk")
    portraits = Doctor.objects.filter(Q(photo=name) | Q(avatar=name)).values("pk")
    return live_audio.union(portraits).exists()
