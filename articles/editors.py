"""Who sees what readers cannot, on the public site."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, AnonymousUser


def is_editor(user: AbstractUser | AnonymousUser) -> bool:
    """Staff who may view articles: they open drafts and scheduled answers as previews, and
    the files those use, including files replaced since (their history points to them). Where
    two-factor is required, only after a code, as in the admin."""
    if settings.LIVERQA_REQUIRE_2FA and not getattr(user, "is_verified", lambda: False)():
        return False
    return user.is_staff and user.has_perm("articles.view_article")
