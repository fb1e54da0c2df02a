import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand, CommandParser
from django.db.models import F
from taggit.models import Tag

from articles.models import (
    Article,
    ArticleSlug,
    Department,
    Doctor,
    Reference,
    RelatedExclusion,
    RelatedPick,
    TaggedArticle,
    TopicSlug,
)

FILENAME = "content.json"
# Accounts are not content: a doctor's link to one stays out of the fixture, which any
# database loads, whatever accounts it holds.
NOT_CONTENT = {Doctor._meta.get_field("user")}


def content_in_stable_order() -> list:
    """Every content row, in dependency order and sorted by natural key within each model."""
    return [
        *Department.objects.order_by("slug"),
        *Doctor.objects.select_related("department").order_by("slug"),
        *Tag.objects.order_by("name"),
        *Article.objects.select_related("doctor").order_by("slug"),
        # Working copies are drafts in progress, never content: neither they nor their rows.
        *TaggedArticle.objects.filter(content_object__working_copy_of__isnull=True)
        .select_related("content_object", "tag")
        .order_by("content_object__slug", "tag__name"),
        *RelatedPick.objects.filter(article__working_copy_of__isnull=True)
        .select_related("article", "related")
        .order_by("article__slug", "position", "related__slug"),
        *RelatedExclusion.objects.filter(article__working_copy_of__isnull=True)
        .select_related("article", "excluded")
        .order_by("article__slug", "excluded__slug"),
        *Reference.objects.filter(article__working_copy_of__isnull=True)
        .select_related("article")
        .order_by("article__slug", "position", "url"),
        # Old addresses only: the current one is remembered again when the article is saved.
        *ArticleSlug.objects.exclude(slug=F("article__slug"))
        .select_related("article")
        .order_by("slug"),
        # Tags' old addresses too (renamed or merged tags), for the same reason.
        *TopicSlug.objects.exclude(slug=F("tag__slug")).select_related("tag").order_by("slug"),
    ]


class Command(BaseCommand):
    help = (
        "Write the site's content as a stable, sorted, natural-key JSON fixture "
        f"(DIR/{FILENAME}, by default in fixtures/): export, flush, loaddata, export again "
        "gives the same bytes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", nargs="?", default=str(Path(settings.BASE_DIR) / "fixtures"))

    def handle(self, *args, dir: str, **options) -> None:
        target = Path(dir)
        target.mkdir(parents=True, exist_ok=True)
        objects = content_in_stable_order()
        data = serializers.serialize(
            "json",
            objects,
            indent=2,
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
            fields=_content_fields(objects),
        )
        # Write beside the target and rename, so a failed export never leaves half a file.
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=target, suffix=".tmp", delete=False
        ) as handle:
            handle.write(data + "\n")
        os.replace(handle.name, target / FILENAME)
        self.stdout.write(f"Wrote {len(objects)} objects to {target / FILENAME}")


def _content_fields(objects: list) -> list[str]:
    """The names of the exported models' fields but ``NOT_CONTENT`` (the serializer takes one
    list for every model; no other exported model has a field of those names)."""
    models = {type(row) for row in objects}
    return sorted(
        {
            field.name
            for model in models
            for field in [*model._meta.local_fields, *model._meta.local_many_to_many]
            if field not in NOT_CONTENT
        }
        - {field.name for field in NOT_CONTENT}
    )
