"""E-mails about the review workflow, sent once the transaction that made the step commits (a
rolled-back step tells nobody), and never able to fail a save: a failure is logged. A
scheduled answer's author is told when it is scheduled and again when it goes live, which no
request marks: ``GoLiveNotice`` keeps that e-mail owed until ``publish_scheduled`` sends it."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from ..models import Article, GoLiveNotice

logger = logging.getLogger(__name__)
PERMISSIONS = "django.contrib.auth.backends.ModelBackend"  # the backend that holds them


def _send(subject: str, body: str, recipients: list[str]) -> None:
    if not recipients:
        return
    # A header is one line: a title with a line break (saved before titles were checked, or
    # past the form) must not lose every e-mail about its answer to BadHeaderError.
    subject = " ".join(subject.split())

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
    """Live now, or scheduled: then the author is told again once it is live (``went_live``).
    ``by`` is None for the scheduled job."""
    if answer.is_live:
        GoLiveNotice.objects.filter(article=answer).delete()
        subject = f"Published: {answer.title}"
        what = (
            f"{_name(by)} published “{answer.title}”."
            if by
            else f"“{answer.title}” went live at its scheduled time."
        )
    else:
        GoLiveNotice.objects.get_or_create(article=answer)
        subject = f"Scheduled: {answer.title}"
        what = f"{_name(by)} scheduled “{answer.title}”."
    url = settings.LIVERQA_SITE_URL.rstrip("/") + answer.get_absolute_url()
    _send(subject, f"{what}\n\n{url}\n", _author_address(answer))


def changes_scheduled(answer: Article, by, at) -> None:
    """A live answer's changes, to go live at ``at``: the job tells the author again then."""
    when = date_format(timezone.localtime(at), "DATETIME_FORMAT")
    _send(
        f"Changes scheduled: {answer.title}",
        f"{_name(by)} scheduled changes to “{answer.title}” for {when}.\n\n{_link(answer)}\n",
        _author_address(answer),
    )


def went_live() -> list[Article]:
    """Tell the author of each scheduled answer that has gone live since the last run, once:
    the notice is deleted in the transaction that queues the e-mail, so two runs at once
    cannot both send it."""
    told = []
    due = GoLiveNotice.objects.filter(article__in=Article.objects.published())
    for notice in due.select_related("article__doctor__user"):
        with transaction.atomic():
            deleted, _ = GoLiveNotice.objects.filter(pk=notice.pk).delete()
            if deleted:
                published(notice.article, None)
                told.append(notice.article)
    return told
