"""Tell the indexing layer which articles changed: the one thing these receivers do.

Raw saves (``loaddata``) count too, so a fixture leaves search and Other Voices consistent.
An admin save that touches an article, its tags and its picks is indexed once, after commit.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from taggit.models import Tag

from ..models import (
    Article,
    Department,
    Doctor,
    Reference,
    RelatedExclusion,
    RelatedPick,
    TaggedArticle,
    Topic,
)
from . import changed as article_changed
from . import deleting, site_changed


def _of_working_copy(row, field: str) -> bool:
    """Whether ``row`` (a tag, pick, reference…) belongs to a working copy, which no index
    or cached page shows. Free when the form or the copy code has the article at hand."""
    link = row._meta.get_field(field)
    if link.is_cached(row):
        article = getattr(row, field)
        return article is not None and article.working_copy_of_id is not None
    article_id = getattr(row, link.attname)
    return Article.all_rows.filter(pk=article_id, working_copy_of__isnull=False).exists()


@receiver(post_save, sender=Article)
@receiver(post_delete, sender=Article)
def _article_saved_or_deleted(sender, instance: Article, **kwargs) -> None:
    if instance.working_copy_of_id is None:
        article_changed(instance.pk)


@receiver(pre_delete, sender=Article)
def _article_deleting(sender, instance: Article, **kwargs) -> None:
    if instance.working_copy_of_id is None:
        deleting(instance.pk)


@receiver(m2m_changed, sender=TaggedArticle)
def _tags_changed(sender, instance, action: str, **kwargs) -> None:
    if (
        action in {"post_add", "post_remove", "post_clear"}
        and isinstance(instance, Article)
        and instance.working_copy_of_id is None
    ):
        article_changed(instance.pk)


@receiver(post_save, sender=TaggedArticle)  # loaddata writes tags as rows, past m2m_changed
@receiver(post_delete, sender=TaggedArticle)
def _tag_row_changed(sender, instance: TaggedArticle, raw: bool = False, **kwargs) -> None:
    # Fixtures never hold working copies: a raw load need not ask, row by row.
    if raw or not _of_working_copy(instance, "content_object"):
        article_changed(instance.content_object_id)


@receiver(post_save, sender=Reference)  # listed under the answer
@receiver(post_delete, sender=Reference)
@receiver(post_save, sender=RelatedPick)
@receiver(post_delete, sender=RelatedPick)
@receiver(post_save, sender=RelatedExclusion)
@receiver(post_delete, sender=RelatedExclusion)
def _editor_choice_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    if raw or not _of_working_copy(instance, "article"):
        article_changed(instance.article_id)


def _changed(instance, fields: list[str]) -> bool:
    """Whether a save changes any of ``fields`` (a new row changes them all)."""
    if instance.pk is None:
        return True
    before = type(instance).objects.filter(pk=instance.pk).values(*fields).first()
    return before is None or any(before[f] != getattr(instance, f) for f in fields)


# A doctor's name is searchable and their department is a ranking boost; a department's and a
# tag's names are searchable. Other fields (a bio, a description) change no index, so saving
# them costs nothing, however many articles there are.
@receiver(pre_save, sender=Doctor)
@receiver(pre_save, sender=Department)
@receiver(pre_save, sender=Tag)
@receiver(pre_save, sender=Topic)
def _note_indexed_fields(sender, instance, **kwargs) -> None:
    fields = ["name", "department_id"] if sender is Doctor else ["name"]
    instance._reindex = _changed(instance, fields)


@receiver(post_save, sender=Doctor)
def _doctor_saved(sender, instance: Doctor, **kwargs) -> None:
    site_changed()  # bylines, avatars and the doctor's page show every field
    if getattr(instance, "_reindex", False):
        article_changed(*instance.articles.values_list("pk", flat=True))


@receiver(post_save, sender=Department)
def _department_saved(sender, instance: Department, **kwargs) -> None:
    site_changed()
    if getattr(instance, "_reindex", False):
        article_changed(
            *Article.objects.filter(doctor__department=instance).values_list("pk", flat=True)
        )


@receiver(post_save, sender=Tag)
@receiver(post_save, sender=Topic)
def _tag_saved(sender, instance: Tag, **kwargs) -> None:
    site_changed()
    if getattr(instance, "_reindex", False):
        article_changed(*_tagged(instance))


@receiver(pre_delete, sender=Tag)
@receiver(pre_delete, sender=Topic)
def _tag_deleted(sender, instance: Tag, **kwargs) -> None:
    # Before the cascade takes the tag off its articles, while they can still be found.
    article_changed(*_tagged(instance))
    site_changed()


@receiver(post_delete, sender=Doctor)
@receiver(post_delete, sender=Department)
def _doctor_or_department_deleted(sender, instance, **kwargs) -> None:
    site_changed()


def _tagged(tag: Tag) -> list[int]:
    return list(TaggedArticle.objects.filter(tag=tag).values_list("content_object_id", flat=True))
