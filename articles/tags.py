"""Tag queries for readers: only tags that lead to published articles count."""

from django.db.models import Count, Q, QuerySet
from taggit.models import Tag

from .models import Article


def popular_tags(limit: int = 15) -> QuerySet[Tag]:
    return (
        Tag.objects.annotate(
            article_count=Count(
                "tagged_articles",
                filter=Q(tagged_articles__content_object__in=Article.objects.published()),
            )
        )
        .filter(article_count__gt=0)
        .order_by("-article_count", "name")[:limit]
    )


def parse_tag_input(text: str) -> list[str]:
    """Tags as editors type them: comma-separated, so "liver cancer" is one tag, not two."""
    names: dict[str, str] = {}
    for name in (part.strip() for part in text.split(",")):
        if name:
            names.setdefault(name.casefold(), name)
    return sorted(names.values())


def format_tag_input(tags) -> str:
    return ", ".join(sorted(tag.name for tag in tags))
