"""Who may see and change which answers: the row-level half of the roles.

Django's permissions say what a group may do to a kind of row; these say to which rows. Editors
(anyone who may publish) see and change every answer. Everyone else who reaches the admin is
held to the answers of their own Doctor (``Doctor.user``), and an account linked to no doctor
to none: the rules fail closed, so unlinking a doctor never widens an account's reach.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet

from ..models import Article, ArticleQuerySet, Doctor, ReviewEvent
from . import rules

User = AbstractBaseUser | AnonymousUser

# What only editors set on an answer: its doctor, its clinical review and its publishing dates.
EDITORS_FIELDS = (
    "doctor",
    "reviewed_by",
    "reviewed_on",
    "next_review_due",
    "published_at",
    "expires_at",
    "updated_at",
)


def doctor_of(user: User) -> Doctor | None:
    """The doctor whose account ``user`` is, if any."""
    try:
        return user.doctor
    except (AttributeError, ObjectDoesNotExist):
        return None


def sees_every_answer(user: User) -> bool:
    return user.is_active and rules.may_publish(user)


def reviewable_by(user: User) -> QuerySet[Article]:
    """Other doctors' answers a medical reviewer may open: those submitted for review, and
    those they took part in reviewing (their decision and its comments stay in view). For a
    live answer, both the answer and the working copy that is what gets reviewed."""
    doctor = doctor_of(user)
    if doctor is None or not user.has_perm("articles.review_article"):
        return Article.all_rows.none()
    reviewed = ReviewEvent.objects.filter(actor=user).values("article")
    return Article.all_rows.filter(
        ArticleQuerySet.in_review_state_q(Article.Review.IN_REVIEW)
        | Q(pk__in=reviewed)
        | Q(working_copy_of__in=reviewed)
    ).exclude(doctor=doctor)


def viewable(user: User, articles: QuerySet[Article]) -> QuerySet[Article]:
    """``articles`` narrowed to those ``user`` may open."""
    if sees_every_answer(user):
        return articles
    doctor = doctor_of(user)
    if doctor is None:
        return articles.none()
    return articles.filter(Q(doctor=doctor) | Q(pk__in=reviewable_by(user).values("pk")))


def known_to(user: User) -> QuerySet[Article]:
    """What readers see, and what ``user`` may open: the answers staff open at their public
    address (editors every one, a doctor previews of their own) and the duplicate check's."""
    if sees_every_answer(user):
        return Article.objects.all()
    public = Article.objects.published().values("pk")
    mine = viewable(user, Article.objects.all()).values("pk")
    return Article.objects.filter(Q(pk__in=public) | Q(pk__in=mine))


def may_fetch(user: User, name: str) -> bool:
    """Whether ``user`` may fetch the stored file ``name`` that readers may not: editors any,
    a doctor the audio of an answer they may open."""
    if sees_every_answer(user):
        return True
    return viewable(user, Article.all_rows.filter(audio=name)).exists()


def _owner_id(article: Article) -> int | None:
    """A working copy belongs to whoever owns the live answer it changes."""
    if article.working_copy_of_id:
        return Article.objects.values_list("doctor", flat=True).get(pk=article.working_copy_of_id)
    return article.doctor_id


def owns(user: User, article: Article) -> bool:
    doctor = doctor_of(user)
    return doctor is not None and article.pk is not None and _owner_id(article) == doctor.pk


def may_view(user: User, article: Article) -> bool:
    return (
        sees_every_answer(user)
        or owns(user, article)
        or reviewable_by(user).filter(pk=article.pk).exists()
    )


def may_add(user: User) -> bool:
    return sees_every_answer(user) or doctor_of(user) is not None


def may_edit(user: User, article: Article) -> bool:
    return sees_every_answer(user) or owns(user, article)


def may_delete(user: User, article: Article) -> bool:
    """A doctor may delete their own draft, never an answer readers have or will have."""
    if sees_every_answer(user):
        return True
    return owns(user, article) and article.state == Article.State.DRAFT
