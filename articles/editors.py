"""Who sees what readers cannot, on the public site."""

from django.contrib.auth.models import AbstractUser, AnonymousUser


def is_editor(user: AbstractUser | AnonymousUser) -> bool:
    """Staff who may view articles: they open drafts and scheduled answers as previews, and
    the files those use, including files replaced since (their history points to them)."""
    return user.is_staff and user.has_perm("articles.view_article")
