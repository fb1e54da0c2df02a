"""An S3-compatible bucket for the media, kept private: pages link to the site's media view,
which checks access and then redirects to an address signed for a few minutes.

In a module of its own so that boto3 is imported only when the bucket is configured.
"""

from django.urls import reverse
from storages.backends.s3 import S3Storage

from .storage import RandomNames


class S3MediaStorage(RandomNames, S3Storage):
    def url(self, name: str, parameters=None, expire=None, http_method=None) -> str:
        """The site's address for the file, so access is decided by the media view; templates
        keep using ``.url`` and cached pages never hold an expired signature."""
        return reverse("media_file", args=[name])

    def signed_url(self, name: str, seconds: int) -> str:
        """The bucket's own address for the file, valid for ``seconds``."""
        return super().url(name, expire=seconds)
