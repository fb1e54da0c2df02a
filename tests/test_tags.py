"""Tags: one per name whatever the capitals, suggestions as you type, counts, merge, clean-up."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article, Topic

from .conftest import add_article_data, change_article_data, make_article, make_doctor

pytestmark = pytest.mark.django_db


def test_tags_typed_in_the_form_are_comma_separated_and_case_insensitive(staff_client):
    make_article(tags=("liver cancer",))
    data = add_article_data(
        staff_client,
        title="Q?",
        doctor=make_doctor().pk,
        tags="Liver Cancer, fatty liver,  , FATTY LIVER",
    )
    assert staff_client.post(reverse("admin:articles_article_add"), data).status_code == 302
    article = Article.objects.get(title="Q?")
    assert sorted(article.tags.names()) == ["fatty liver", "liver cancer"]
    assert Tag.objects.filter(name__iexact="liver cancer").count() == 1
    form = staff_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert 'value="fatty liver, liver cancer"' in form.text


def test_tag_field_suggests_existing_tags_most_used_first(staff_client, reader):
    make_article(tags=("liver cancer", "liver cyst"))
    make_article(tags=("liver cancer",))
    make_article(tags=("gallstones",))
    url = reverse("admin:articles_article_tag_suggestions")
    assert staff_client.get(url, {"q": "LIV"}).json() == {
        "results": [{"name": "liver cancer", "count": 2}, {"name": "liver cyst", "count": 1}]
    }
    form = staff_client.get(reverse("admin:articles_article_add")).text
    assert f'data-suggestions-url="{url}"' in form
    assert "js/tag-autocomplete.js" in form
    assert reader.get(url, {"q": "liv"}).status_code == 302  # to the login page


def test_tags_sit_in_the_content_section_with_counts(editor_client):
    make_article(tags=("liver cancer", "cirrhosis"))
    make_article(tags=("liver cancer",), status="draft", published_at=None)
    Topic.objects.create(name="unused")
    index = editor_client.get(reverse("admin:index"))
    content = next(app for app in index.context["app_list"] if app["app_label"] == "articles")
    assert "Tags" in [model["name"] for model in content["models"]]
    assert "taggit" not in [app["app_label"] for app in index.context["app_list"]]

    rows = editor_client.get(reverse("admin:articles_topic_changelist")).context["cl"].result_list
    counts = {tag.name: (tag.article_count, tag.published_count) for tag in rows}
    assert counts == {"cirrhosis": (1, 1), "liver cancer": (2, 1), "unused": (0, 0)}


def test_tag_changelist_runs_no_query_per_row(editor_client, django_assert_max_num_queries):
    for i in range(30):
        make_article(tags=(f"topic {i}", f"topic {i + 1}"))
    with django_assert_max_num_queries(9):
        response = editor_client.get(reverse("admin:articles_topic_changelist"))
    assert len(response.context["cl"].result_list) == 31


def test_a_tag_differing_only_in_capitals_is_refused(editor_client):
    Topic.objects.create(name="liver cancer", slug="liver-cancer")
    response = editor_client.post(
        reverse("admin:articles_topic_add"), {"name": "Liver Cancer", "slug": "liver-cancer-2"}
    )
    assert response.status_code == 200
    assert "The tag “liver cancer” already exists" in response.text
    assert Topic.objects.count() == 1


def action(client, name: str, tags, **extra):
    return client.post(
        reverse("admin:articles_topic_changelist"),
        {"action": name, "_selected_action": [t.pk for t in tags], **extra},
        follow=True,
    )


def test_merge_asks_which_tag_to_keep_then_retags_every_article(editor_client):
    both = make_article(tags=("liver cancer", "Hepatocellular carcinoma"))
    one = make_article(tags=("HCC",))
    keep, hcc, long_name = (
        Topic.objects.get(name=n) for n in ("liver cancer", "HCC", "Hepatocellular carcinoma")
    )
    confirm = action(editor_client, "merge", [keep, hcc, long_name])
    assert "Merge tags" in confirm.text
    assert Topic.objects.count() == 3  # nothing merged until confirmed

    done = action(editor_client, "merge", [keep, hcc, long_name], merge_into=keep.pk)
    assert "Merged 2 tags into “liver cancer”; 2 articles retagged." in done.text
    assert list(Topic.objects.values_list("name", flat=True)) == ["liver cancer"]
    assert list(both.tags.names()) == list(one.tags.names()) == ["liver cancer"]
    history = editor_client.get(reverse("admin:articles_article_history", args=[one.pk]))
    assert "Merged HCC, Hepatocellular carcinoma into liver cancer." in history.text


@pytest.mark.parametrize("missing", ["delete_topic", "change_article"])
def test_merging_takes_the_rights_to_delete_tags_and_to_change_articles(
    client, django_user_model, missing
):
    rights = {"view_topic", "change_topic", "delete_topic", "view_article", "change_article"}
    user = django_user_model.objects.create_user("clerk", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=rights - {missing}))
    client.force_login(user)
    article = make_article(tags=("liver cancer", "HCC"))
    keep, hcc = Topic.objects.get(name="liver cancer"), Topic.objects.get(name="HCC")
    listing = client.get(reverse("admin:articles_topic_changelist"))
    assert "merge" not in listing.context["cl"].model_admin.get_actions(listing.wsgi_request)

    response = action(client, "merge", [keep, hcc], merge_into=keep.pk)
    assert response.status_code == 200  # the tag list again, the action unknown to this user
    assert "Merged" not in response.text
    assert Topic.objects.count() == 2
    assert sorted(article.tags.names()) == ["HCC", "liver cancer"]


def test_merging_one_tag_is_refused(editor_client):
    tag = Topic.objects.create(name="alone")
    response = action(editor_client, "merge", [tag])
    assert "Select two or more tags to merge." in response.text


def test_remove_orphans_deletes_only_unused_tags(editor_client):
    make_article(tags=("used",))
    Topic.objects.create(name="orphan a", slug="orphan-a")
    Topic.objects.create(name="orphan b", slug="orphan-b")
    response = action(editor_client, "remove_orphans", Topic.objects.all())
    assert "Removed 2 unused tags: orphan a, orphan b. Kept 1 tag still on articles." in (
        response.text
    )
    assert list(Topic.objects.values_list("name", flat=True)) == ["used"]
    unused = editor_client.get(reverse("admin:articles_topic_changelist"), {"usage": "unused"})
    assert list(unused.context["cl"].result_list) == []


def test_tags_with_spaces_survive_an_unchanged_save(staff_client):
    article = make_article(tags=("liver cancer", "CT scan"))
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert staff_client.post(url, change_article_data(staff_client, article)).status_code == 302
    assert sorted(article.tags.names()) == ["CT scan", "liver cancer"]


def test_a_tag_without_letters_or_digits_is_a_form_error(editor_client):
    data = add_article_data(
        editor_client, title="Punctuation?", doctor=make_doctor().pk, tags="???, ok"
    )
    response = editor_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert "has no letter or digit" in response.text
    assert not Topic.objects.filter(name="???").exists()
    response = editor_client.post(reverse("admin:articles_topic_add"), {"name": "—", "slug": ""})
    assert response.status_code == 200
    assert "needs a letter or digit" in response.text
