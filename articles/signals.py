"""Keep the search index and the stored Other Voices lists in step with edits.

Work waits until the transaction commits (nothing is indexed that might roll back), and an
admin save that touches an article, its tags and its picks is handled once, not once per signal.
Raw saves (``loaddata``) do nothing: rebuild the indexes after loading fixtures.
"""

import threading

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from . import related, search
from .models import Article, Department, Doctor, RelatedExclusion, RelatedPick, TaggedArticle


class _Pending(threading.local):
    def __init__(self) -> None:
        self.articles: set[int] = set()


_pending = _Pending()


def article_changed(*ids: int) -> None:
    _pending.articles.update(ids)
    transaction.on_commit(_flush)


def _flush() -> None:
    """Every callback after the first finds nothing left to do."""
    ids, _pending.articles = _pending.articles, set()
    if ids:
        search.index(ids)
        related.refresh(ids)


@receiver(post_save, sender=Article)
@receiver(post_delete, sender=Article)
def _article_saved_or_deleted(sender, instance: Article, raw: bool = False, **kwargs) -> None:
    if not raw:
        article_changed(instance.pk)


@receiver(m2m_changed, sender=TaggedArticle)
def _tags_changed(sender, instance, action: str, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"} and isinstance(instance, Article):
        article_changed(instance.pk)


@receiver(post_save, sender=RelatedPick)
@receiver(post_delete, sender=RelatedPick)
@receiver(post_save, sender=RelatedExclusion)
@receiver(post_delete, sender=RelatedExclusion)
def _editor_choice_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw:
        article_changed(instance.article_id)


@receiver(post_save, sender=Doctor)
def _doctor_saved(sender, instance: Doctor, raw: bool = False, **kwargs) -> None:
    # The doctor's name is searchable and their department is a ranking boost.
    if not raw:
        article_changed(*instance.articles.values_list("pk", flat=True))


@receiver(post_save, sender=Department)
def _department_saved(sender, instance: Department, raw: bool = False, **kwargs) -> None:
    if not raw:
        article_changed(
            *Article.objects.filter(doctor__department=instance).values_list("pk", flat=True)
        )
