"""E-mails about the review workflow, sent once the transaction that made the step commits (a
rolled-back step tells nobody), and never able to fail a save: a failure is logged."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from ..models import Article

logger = logging.getLogger(__name__)
PERMISSIONS = "django.contrib.auth.backends.ModelBackend"  # the backend that holds them


def _send(subject: str, body: str, recipients: list[str]) -> None:
    if not recipients:
        return

    def send() -> None:
        try:
            send_mail(subject, body, None, recipients)
        except Exception:
            logger.exception("Could not send %r to %s", subject, ", ".join(recipients))

    transaction.on_commit(send)


def _link(answer: Article) -> str:
    return settings.LIVERQA_SITE_URL.rstrip("/") + reverse(
        "admin:articles_article_change", args=[answer.pk]
    )


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else "Someone"


def _author_address(answer: Article) -> list[str]:
    user = answer.doctor.user
    return [user.email] if user is not None and user.email and user.is_active else []


def submitted(answer: Article, by) -> None:
    """To every active medical reviewer but the author."""
    reviewers = (
        get_user_model()
        .objects.with_perm("articles.review_article", backend=PERMISSIONS)
        .filter(is_active=True, doctor__isnull=False)
        .exclude(email="")
        .exclude(doctor=answer.doctor_id)
    )
    _send(
        f"To review: {answer.title}",
        f"{_name(by)} submitted “{answer.title}” for medical review.\n\n{_link(answer)}\n",
        sorted(reviewers.values_list("email", flat=True)),
    )


def approved(answer: Article, by) -> None:
    _send(
        f"Approved: {answer.title}",
        f"{_name(by)} approved “{answer.title}”; an editor publishes it.\n\n{_link(answer)}\n",
        _author_address(answer),
    )


def changes_requested(answer: Article, by, comment: str) -> None:
    _send(
        f"Changes requested: {answer.title}",
        f"{_name(by)} asks for changes to “{answer.title}”:\n\n{comment}\n\n{_link(answer)}\n",
        _author_address(answer),
    )


def published(answer: Article, by) -> None:
    live = answer.is_live
    _send(
        f"{'Published' if live else 'Scheduled'}: {answer.title}",
        f"{_name(by)} {'published' if live else 'scheduled'} “{answer.title}”.\n\n"
        f"{settings.LIVERQA_SITE_URL.rstrip('/')}{answer.get_absolute_url()}\n",
        _author_address(answer),
    )
