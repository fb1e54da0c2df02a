"""Tag queries for readers: only tags that lead to published articles count."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.text import slugify
from taggit.models import Tag

from .models import Article, TaggedArticle

RECENT = 500


def popular_tags(limit: int = 15) -> QuerySet[Tag]:
    """The topics of the latest answers: bounded work however large the site grows."""
    recent = Article.objects.published().order_by("-published_at").values("pk")[:RECENT]
    return (
        Tag.objects.filter(tagged_articles__content_object__in=recent)
        .annotate(article_count=Count("tagged_articles"))
        .order_by("-article_count", "name")[:limit]
    )


def live_tags() -> QuerySet[Tag]:
    """Tags on at least one published article; a tag only drafts use stays unknown to readers."""
    published = TaggedArticle.objects.filter(
        tag=OuterRef("pk"), content_object__in=Article.objects.published()
    )
    return Tag.objects.filter(Exists(published))


def topic_index() -> list[tuple[str, list[Tag]]]:
    """Every live topic with its number of live answers, under its initial (A–Z; "#" for
    digits and symbols; a Chinese topic under its first character), in reading order."""
    topics = live_tags().annotate(
        article_count=Count(
            "tagged_articles",
            filter=Q(tagged_articles__content_object__in=Article.objects.published()),
        )
    )
    groups: dict[str, list[Tag]] = {}
    for topic in sorted(topics, key=lambda t: t.name.casefold()):
        first = topic.name[:1].upper()
        groups.setdefault(first if first.isalpha() else "#", []).append(topic)
    return sorted(groups.items(), key=lambda group: (group[0] == "#", group[0]))


def has_address(name: str) -> bool:
    """A tag needs a letter or digit to make its page's web address from ("???" has none)."""
    return bool(slugify(name, allow_unicode=True))


def parse_tag_input(text: str) -> list[str]:
    """Tags as editors type them: comma-separated, so "liver cancer" is one tag, not two."""
    names: dict[str, str] = {}
    for name in (part.strip() for part in text.split(",")):
        if name:
            names.setdefault(name.casefold(), name)
    return sorted(names.values())


def format_tag_input(tags) -> str:
    return ", ".join(sorted(tag.name for tag in tags))
