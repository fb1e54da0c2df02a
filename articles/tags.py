"""Tag queries for readers: only tags that lead to published articles count. And the
addresses tags have had, so a renamed or merged tag's links keep working."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponsePermanentRedirect
from django.shortcuts import redirect
from django.utils.text import slugify
from taggit.models import Tag

from .models import Article, TaggedArticle, TopicSlug

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


def remember_addresses(tag: Tag, *slugs: str) -> None:
    """Let each of ``slugs`` (the tag's earlier addresses, or those of tags merged into it)
    lead to ``tag``; its current one too, so a later rename keeps it."""
    for slug in dict.fromkeys(s for s in (*slugs, tag.slug) if s):
        TopicSlug.objects.update_or_create(slug=slug, defaults={"tag": tag})


def redirect_to_moved_tag(request: HttpRequest, slug: str) -> HttpResponsePermanentRedirect:
    """The same page (the topic, or one of its feeds) of the live tag that ``slug`` once
    named, as a 301; else a 404. Never a loop: the target is a live tag's current address,
    which its view serves without looking here. Never a tag readers cannot see: a 404."""
    tag = live_tags().filter(addresses__slug=slug).exclude(slug=slug).first()
    if tag is None:
        raise Http404("No such topic.")
    return redirect(request.resolver_match.view_name, slug=tag.slug, permanent=True)


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


def renamed_on_matching(typed: list[str], saved: list[Tag]) -> list[tuple[str, str]]:
    """(typed, kept) for each typed tag that became an existing tag spelt otherwise: taggit
    reuses a tag whatever the capitals (TAGGIT_CASE_INSENSITIVE), silently."""
    kept = {tag.name.casefold(): tag.name for tag in saved}
    return [
        (name, kept[name.casefold()])
        for name in typed
        if name.casefold() in kept and kept[name.casefold()] != name
    ]
