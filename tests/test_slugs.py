"""Changing a slug never breaks a link: every old address answers 301 to the current one."""

import pytest
from django.urls import reverse
from reversion.models import Version

from articles.models import ArticleSlug

from .conftest import change_article_data, form_values, make_article

pytestmark = pytest.mark.django_db


def test_old_addresses_redirect_permanently_to_the_current_one(reader):
    article = make_article("Is fatty liver reversible?")
    first = article.get_absolute_url()
    article.slug = "fatty-liver-reversible"
    article.save()
    second = article.get_absolute_url()
    article.slug = "can-fatty-liver-be-reversed"
    article.save()
    for old in (first, second):
        response = reader.get(old)
        assert response.status_code == 301
        assert response["Location"] == article.get_absolute_url()
    assert reader.get(article.get_absolute_url()).status_code == 200


def test_slug_change_in_admin_redirects_and_is_listed_on_the_form(staff_client, reader):
    article = make_article("Is fatty liver reversible?")
    old = article.get_absolute_url()
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = change_article_data(
        staff_client, article, slug="fatty-liver-reversible", _publish="Publish changes"
    )
    assert staff_client.post(url, data).status_code == 302
    assert reader.get(old)["Location"] == "/articles/fatty-liver-reversible/"
    form = staff_client.get(url).text
    assert "<code>/articles/is-fatty-liver-reversible/</code>" in form


def test_old_address_of_a_draft_is_a_404_for_readers(reader, editor_client):
    article = make_article("Draft?", status="draft", published_at=None)
    article.slug = "renamed-draft"
    article.save()
    assert reader.get("/articles/draft/").status_code == 404
    assert editor_client.get("/articles/draft/")["Location"] == "/articles/renamed-draft/"


def test_a_live_article_wins_an_address_another_one_used_to_have(reader):
    old = make_article("Old?")
    old.slug = "old-renamed"
    old.save()
    new = make_article("New?", slug="old")
    response = reader.get("/articles/old/")
    assert response.status_code == 200
    assert response.context["article"] == new
    new.slug = "new-renamed"
    new.save()
    assert reader.get("/articles/old/")["Location"] == "/articles/new-renamed/"


def test_restoring_an_older_slug_keeps_the_newer_address_working(staff_client, reader):
    article = make_article("Is fatty liver reversible?")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = change_article_data(staff_client, article, _publish="Publish changes")
    assert staff_client.post(url, data).status_code == 302
    data = change_article_data(staff_client, article, slug="newer", _publish="Publish changes")
    assert staff_client.post(url, data).status_code == 302
    oldest = Version.objects.get_for_object(article).last()
    revision = reverse("admin:articles_article_revision", args=[article.pk, oldest.pk])
    response = staff_client.post(revision, form_values(staff_client.get(revision), "article_form"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.slug == "is-fatty-liver-reversible"
    assert reader.get("/articles/newer/")["Location"] == "/articles/is-fatty-liver-reversible/"
    assert set(ArticleSlug.objects.values_list("slug", flat=True)) == {
        "is-fatty-liver-reversible",
        "newer",
    }


def test_unknown_addresses_are_still_404(reader):
    make_article()
    assert reader.get("/articles/never-existed/").status_code == 404
