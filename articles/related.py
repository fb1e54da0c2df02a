"""The "Other Voices" sidebar: which articles to show beside an article.

One function, ``related_articles``, so the ranking can be replaced without touching views.
"""

from django.db.models import Case, Count, IntegerField, Q, Value, When

from .models import Article

SIDEBAR_SIZE = 5

# A shared tag says more about the topic than a shared department or doctor.
TAG_WEIGHT = 3
DEPARTMENT_WEIGHT = 2
DOCTOR_WEIGHT = 1


def related_articles(article: Article, limit: int = SIDEBAR_SIZE) -> list[Article]:
    """The editor's published picks in their order, then the most similar published articles.

    Similar means sharing tags, the department or the doctor; an article sharing none of
    these is not related and is never used to pad the list. Two queries, whatever the size.
    """
    picks = list(
        Article.objects.published()
        .for_listing()
        .filter(picked_in__article=article)
        .exclude(pk=article.pk)
        .order_by("picked_in__position", "picked_in__pk")[:limit]
    )
    wanted = limit - len(picks)
    if wanted <= 0:
        return picks

    tag_ids = article.tagged_items.values("tag_id")
    similar = (
        Article.objects.published()
        .for_listing()
        .exclude(pk__in=[article.pk, *(p.pk for p in picks)])
        .annotate(
            score=Value(TAG_WEIGHT)
            * Count("tagged_items", filter=Q(tagged_items__tag_id__in=tag_ids))
            + Case(
                When(doctor__department_id=article.doctor.department_id, then=DEPARTMENT_WEIGHT),
                default=0,
                output_field=IntegerField(),
            )
            + Case(
                When(doctor_id=article.doctor_id, then=DOCTOR_WEIGHT),
                default=0,
                output_field=IntegerField(),
            ),
        )
        .filter(score__gt=0)
        .order_by("-score", "-published_at", "pk")[:wanted]
    )
    return picks + list(similar)
