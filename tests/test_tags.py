"""Tags: one per name whatever the capitals (and said so when a spelling was matched),
suggestions as you type, counts, merge with 301s from the old addresses, clean-up."""

import re

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


# -- Tags typed in another spelling: said, not silent ------------------------------------------


def test_tags_matched_in_other_capitals_are_reported_after_the_save(staff_client):
    make_article(tags=("hepatitis B", "liver cancer"))
    data = add_article_data(
        staff_client,
        title="Can hepatitis B turn into liver cancer?",
        doctor=make_doctor().pk,
        tags="Hepatitis b, Liver Cancer, fibrosis",
    )
    response = staff_client.post(reverse("admin:articles_article_add"), data, follow=True)
    article = Article.objects.get(title="Can hepatitis B turn into liver cancer?")
    assert sorted(article.tags.names()) == ["fibrosis", "hepatitis B", "liver cancer"]
    messages = [str(m) for m in response.context["messages"]]
    assert (
        "Tags matched existing ones: “Hepatitis b” → “hepatitis B”, "
        "“Liver Cancer” → “liver cancer”."
    ) in messages

    # Typed as they are spelt, or not changed at all: nothing to say.
    url = reverse("admin:articles_article_change", args=[article.pk])
    for tags in ("fibrosis, hepatitis B, liver cancer", None):
        data = change_article_data(staff_client, article, summary="Edited.")
        if tags:
            data["tags"] = tags
        response = staff_client.post(url, data, follow=True)
        assert not any("Tags matched" in str(m) for m in response.context["messages"])


def test_the_matching_notice_escapes_what_was_typed(staff_client):
    make_article(tags=("<b>x</b> liver",))
    data = add_article_data(
        staff_client, title="Markup?", doctor=make_doctor().pk, tags="<B>X</B> LIVER"
    )
    response = staff_client.post(reverse("admin:articles_article_add"), data, follow=True)
    assert "“&lt;B&gt;X&lt;/B&gt; LIVER” → “&lt;b&gt;x&lt;/b&gt; liver”" in response.text
    assert "<B>X</B>" not in response.text


# -- One message per problem in the tag admin -------------------------------------------------


def error_lists(response) -> list[str]:
    return re.findall(r'<ul class="errorlist[^"]*"[^>]*>.*?</ul>', response.text, re.S)


def test_a_case_clash_is_one_message_not_two(editor_client):
    Topic.objects.create(name="liver cancer", slug="liver-cancer")
    # As the form posts it: the slug filled in from the name, so it clashes too.
    response = editor_client.post(
        reverse("admin:articles_topic_add"), {"name": "Liver Cancer", "slug": "liver-cancer"}
    )
    [error] = error_lists(response)
    assert "The tag “liver cancer” already exists" in error
    assert "Slug already exists" not in response.text


def test_a_taken_address_names_the_tag_that_has_it(editor_client):
    Topic.objects.create(name="liver cancer", slug="liver-cancer")
    response = editor_client.post(
        reverse("admin:articles_topic_add"), {"name": "hepatoma", "slug": "liver-cancer"}
    )
    [error] = error_lists(response)
    assert (
        "The address /tags/liver-cancer/ belongs to the tag “liver cancer”; choose another."
        in error
    )
    assert Topic.objects.count() == 1


# -- Merges: the answers first, then a 301 from every address the merged tags had --------------


def test_the_merge_page_lists_the_answers_it_retags(editor_client, monkeypatch):
    both = make_article("Is HCC liver cancer?", tags=("liver cancer", "HCC"))
    hcc_only = make_article("HCC and hepatitis", tags=("HCC",), status="draft", published_at=None)
    make_article("Gallstones?", tags=("gallstones",))  # not affected
    tags = Topic.objects.filter(name__in=["liver cancer", "HCC"])
    confirm = action(editor_client, "merge", tags)
    assert "Answers with these tags: 2" in confirm.text
    for article in (both, hcc_only):
        link = reverse("admin:articles_article_change", args=[article.pk])
        assert f'<a href="{link}">{article.title}</a>' in confirm.text
    assert "HCC, liver cancer" in confirm.text  # the tags each one carries
    assert "Gallstones?" not in confirm.text

    monkeypatch.setattr("articles.editorial.tag_admin.AFFECTED_SHOWN", 1)
    confirm = action(editor_client, "merge", tags)
    assert "The first 1 of 2, by title." in confirm.text
    assert both.title not in confirm.text and hcc_only.title in confirm.text


def test_the_merge_page_runs_a_fixed_number_of_queries(
    editor_client, django_assert_max_num_queries
):
    for i in range(40):
        make_article(tags=("liver cancer", f"topic {i % 3}"))
    tags = list(Topic.objects.filter(name__startswith="topic"))
    with django_assert_max_num_queries(12):
        confirm = action(editor_client, "merge", tags)
    assert "Answers with these tags: 40" in confirm.text


def test_merged_tags_addresses_answer_301_pages_and_feeds(editor_client, reader):
    make_article(tags=("liver cancer", "HCC"))
    make_article(tags=("Hepatocellular carcinoma",))
    keep, *others = (
        Topic.objects.get(name=n) for n in ("liver cancer", "HCC", "Hepatocellular carcinoma")
    )
    done = action(editor_client, "merge", [keep, *others], merge_into=keep.pk)
    assert (
        "The old addresses (/tags/hcc/, /tags/hepatocellular-carcinoma/) now lead to "
        "/tags/liver-cancer/."
    ) in done.text
    for old in ("hcc", "hepatocellular-carcinoma"):
        for name in ("tag_detail", "tag_feed", "tag_atom"):
            response = reader.get(reverse(f"articles:{name}", args=[old]))
            assert response.status_code == 301, (old, name)
            assert response["Location"] == reverse(f"articles:{name}", args=["liver-cancer"])
    assert reader.get(reverse("articles:tag_detail", args=["liver-cancer"])).status_code == 200
    assert reader.get(reverse("articles:tag_detail", args=["never-was"])).status_code == 404
    assert reader.get(reverse("articles:tag_feed", args=["never-was"])).status_code == 404


def test_a_merge_can_rename_the_kept_tag(editor_client, reader):
    article = make_article(tags=("HCC", "hepatocellular carcinoma"))
    keep, other = Topic.objects.get(name="hepatocellular carcinoma"), Topic.objects.get(name="HCC")
    done = action(
        editor_client,
        "merge",
        [keep, other],
        merge_into=keep.pk,
        new_name="Hepatocellular carcinoma (HCC)",
    )
    assert "Merged 1 tag into “Hepatocellular carcinoma (HCC)” (renamed from" in done.text
    assert list(article.tags.names()) == ["Hepatocellular carcinoma (HCC)"]
    for old in ("hcc", "hepatocellular-carcinoma"):
        response = reader.get(reverse("articles:tag_detail", args=[old]))
        assert response["Location"] == "/tags/hepatocellular-carcinoma-hcc/"
    history = editor_client.get(reverse("admin:articles_topic_history", args=[keep.pk]))
    assert "Renamed from hepatocellular carcinoma when HCC merged into it." in history.text


def test_a_merge_may_take_a_merged_tags_name_in_other_capitals(editor_client, reader):
    make_article(tags=("hcc", "hepatocellular carcinoma"))
    keep, other = Topic.objects.get(name="hepatocellular carcinoma"), Topic.objects.get(name="hcc")
    action(editor_client, "merge", [keep, other], merge_into=keep.pk, new_name="HCC")
    assert list(Topic.objects.values_list("name", "slug")) == [("HCC", "hcc")]
    assert reader.get("/tags/hcc/").status_code == 200  # its own address again, not a loop
    assert reader.get("/tags/hepatocellular-carcinoma/")["Location"] == "/tags/hcc/"


@pytest.mark.parametrize(
    ("new_name", "message"),
    [
        ("Gallstones", "The tag “gallstones” already exists"),
        ("???", "needs a letter or digit"),
        ("x" * 101, "at most 100 characters"),
    ],
)
def test_a_bad_new_name_stops_the_merge_with_one_message(editor_client, new_name, message):
    make_article(tags=("HCC", "liver cancer"))
    Topic.objects.create(name="gallstones")
    keep, other = Topic.objects.get(name="liver cancer"), Topic.objects.get(name="HCC")
    response = action(editor_client, "merge", [keep, other], merge_into=keep.pk, new_name=new_name)
    [error] = error_lists(response)
    assert message in error
    assert "Answers with these tags: 1" in response.text  # the confirmation page again
    assert Topic.objects.count() == 3


def test_merging_back_and_forth_never_loops(editor_client, reader):
    """Merge a into b, then a new "a" takes b: each address ends where the tags are now."""
    make_article(tags=("a", "b"))
    a, b = Topic.objects.get(name="a"), Topic.objects.get(name="b")
    action(editor_client, "merge", [a, b], merge_into=b.pk)
    assert reader.get("/tags/a/")["Location"] == "/tags/b/"

    make_article(tags=("a",))
    a = Topic.objects.get(name="a")
    action(editor_client, "merge", [a, b], merge_into=a.pk)
    assert reader.get("/tags/a/").status_code == 200
    assert reader.get("/tags/b/")["Location"] == "/tags/a/"
    assert reader.get("/tags/b/", follow=True).redirect_chain == [("/tags/a/", 301)]


def test_no_redirect_to_a_tag_readers_cannot_see(editor_client, reader):
    make_article(tags=("hcc", "liver cancer"), status="draft", published_at=None)
    keep, other = Topic.objects.get(name="liver cancer"), Topic.objects.get(name="hcc")
    action(editor_client, "merge", [keep, other], merge_into=keep.pk)
    for url in ("/tags/hcc/", "/tags/hcc/feed/", "/tags/liver-cancer/"):
        assert reader.get(url).status_code == 404, url
    make_article(tags=("liver cancer",))  # live now
    assert reader.get("/tags/hcc/")["Location"] == "/tags/liver-cancer/"


def test_a_renamed_tags_old_address_answers_301(editor_client, reader):
    make_article(tags=("calcifications",))
    tag = Topic.objects.get(name="calcifications")
    url = reverse("admin:articles_topic_change", args=[tag.pk])
    for name, slug in (
        ("calcification", "calcification"),
        ("Calcification", "liver-calcification"),
    ):
        assert editor_client.post(url, {"name": name, "slug": slug}).status_code == 302
    for old in ("calcifications", "calcification"):
        response = reader.get(f"/tags/{old}/")
        assert (response.status_code, response["Location"]) == (301, "/tags/liver-calcification/")
    form = editor_client.get(url).text
    assert (
        "<code>/tags/calcification/</code>" in form and "<code>/tags/calcifications/</code>" in form
    )

    # Back to an earlier address: it is the page again, and the one it replaces redirects.
    assert (
        editor_client.post(url, {"name": "calcifications", "slug": "calcifications"}).status_code
        == 302
    )
    assert reader.get("/tags/calcifications/").status_code == 200
    assert reader.get("/tags/liver-calcification/")["Location"] == "/tags/calcifications/"


@pytest.mark.parametrize(
    ("new_name", "slug"),
    [("<script>alert(1)</script> HCC", "scriptalert1script-hcc"), ("肝细胞癌", "肝细胞癌")],
)
def test_a_new_name_with_markup_or_chinese_is_kept_as_typed(editor_client, reader, new_name, slug):
    make_article(tags=("HCC", "liver cancer"))
    keep, other = Topic.objects.get(name="liver cancer"), Topic.objects.get(name="HCC")
    done = action(editor_client, "merge", [keep, other], merge_into=keep.pk, new_name=new_name)
    assert "<script>alert(1)</script>" not in done.text
    assert list(Topic.objects.values_list("name", "slug")) == [(new_name, slug)]
    assert reader.get("/tags/hcc/")["Location"] == reverse("articles:tag_detail", args=[slug])
