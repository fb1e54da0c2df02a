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
