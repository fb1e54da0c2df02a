from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from articles import durations
from articles.models import Article, Department, Doctor, RelatedPick

from .conftest import make_article, make_department, make_doctor

pytestmark = pytest.mark.django_db


def test_published_excludes_drafts_and_future_articles():
    live = make_article()
    make_article(status=Article.Status.DRAFT)
    make_article(published_at=timezone.now() + timedelta(hours=1))
    assert list(Article.objects.published()) == [live]


def test_a_published_article_needs_a_date_in_the_database():
    article = make_article()
    with pytest.raises(IntegrityError):
        Article.objects.filter(pk=article.pk).update(published_at=None)


def test_status_is_checked_by_the_database():
    article = make_article()
    with pytest.raises(IntegrityError):
        Article.objects.filter(pk=article.pk).update(status="archived")


def test_an_article_cannot_pick_itself():
    article = make_article()
    with pytest.raises(IntegrityError):
        RelatedPick.objects.create(article=article, related=article)


def test_slugs_are_unicode_readable_and_unique():
    department = make_department("肝胆外科")
    doctor = make_doctor("刘武才", department)
    first = make_article("肝钙化会是肝癌吗？", doctor)
    second = make_article("肝钙化会是肝癌吗？", doctor)
    assert department.slug == "肝胆外科"
    assert doctor.slug == "刘武才"
    assert first.slug == "肝钙化会是肝癌吗"
    assert second.slug == "肝钙化会是肝癌吗-2"


def test_a_title_without_letters_still_gets_a_slug():
    assert make_article("???").slug == "article"


def test_natural_keys_round_trip():
    article = make_article(tags=("liver cancer",))
    pick = RelatedPick.objects.create(article=article, related=make_article())
    tagged = article.tagged_items.get()
    department = article.doctor.department
    assert Department.objects.get_by_natural_key(*department.natural_key()) == department
    assert Doctor.objects.get_by_natural_key(*article.doctor.natural_key()) == article.doctor
    assert Article.objects.get_by_natural_key(*article.natural_key()) == article
    assert RelatedPick.objects.get_by_natural_key(*pick.natural_key()) == pick
    assert type(tagged).objects.get_by_natural_key(*tagged.natural_key()) == tagged


def test_tags_are_case_insensitive():
    first = make_article(tags=("Liver cancer",))
    second = make_article(tags=("liver cancer",))
    assert first.tags.get() == second.tags.get()


@pytest.mark.parametrize(
    ("seconds", "human", "iso"),
    [
        (62, "1min 2sec", "PT1M2S"),
        (42, "42sec", "PT42S"),
        (180, "3min", "PT3M"),
        (0, "0sec", "PT0S"),
    ],
)
def test_audio_durations_read_like_the_source_site(seconds, human, iso):
    assert durations.humanize(timedelta(seconds=seconds)) == human
    assert durations.iso8601(timedelta(seconds=seconds)) == iso


def test_initials_for_the_avatar():
    assert make_doctor("Liu Wu Cai").initials == "LC"
    assert make_doctor("刘武才").initials == "刘"
    assert make_doctor("yan").initials == "Y"
