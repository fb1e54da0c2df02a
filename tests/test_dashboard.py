"""The editors' lists and dashboard: the article list's columns and badges, the index's lists
for the editor looking at it, grouped recent actions, wording by role, the favicon, Other Voices
explained in words, and the delete page. All through HTTP, with query budgets that do not grow."""

from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Feedback, Reference, RelatedArticle
from articles.related import related_articles

from .conftest import (
    add_article_data,
    change_article_data,
    make_article,
    make_department,
    make_doctor,
    rebuild_indexes,
)

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")
CHANGELIST = reverse("admin:articles_article_changelist")


@pytest.fixture
def colleague(django_user_model):
    """A second editor, whose work must not appear as the first editor's."""
    user = django_user_model.objects.create_user(
        "ward", first_name="Wen", last_name="Ward", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(user)
    return user, client


def log(user, article: Article, flag: int = CHANGE) -> None:
    """What the admin records for a save, for edits this test does not make through a form."""
    LogEntry.objects.log_actions(user.pk, [article], flag, change_message="", single_object=True)


# The article list


def test_the_list_shows_state_badges_review_and_feedback_in_five_columns(editor_client):
    department = make_department("Hepatology")
    doctor = make_doctor("Yan Chun", department)
    make_article("A draft?", doctor, status=Article.Status.DRAFT)
    make_article("Later?", doctor, published_at=timezone.now() + timedelta(days=3))
    overdue = make_article(
        "Old review?",
        doctor,
        reviewed_by=doctor,
        reviewed_on=date(2020, 1, 1),
        next_review_due=date(2021, 1, 1),
    )
    Feedback.objects.bulk_create(
        [Feedback(article=overdue, helpful=True)] * 2 + [Feedback(article=overdue, helpful=False)]
    )
    html = editor_client.get(CHANGELIST).text
    assert '<span class="state state--draft">Draft</span>' in html
    assert '<span class="state state--scheduled">Scheduled for ' in html
    assert '<span class="state state--live">Live since ' in html
    assert '<span class="state state--overdue">review overdue</span>' in html
    assert '<span class="review-overdue">was due Jan. 1, 2021</span>' in html
    assert "👍 2 · 👎 1" in html
    assert "no feedback yet" in html
    # The department under the doctor's name, not a column of its own.
    assert 'Yan Chun<br><span class="quiet">Hepatology</span>' in html
    headers = ["title", "state_label", "doctor_and_department", "review", "reader_feedback"]
    assert html.count('<th scope="col" class="') >= len(headers)
    for column in headers:
        assert f"column-{column}" in html
    for dropped in ["column-department", "column-updated_at", "column-helpful_count"]:
        assert dropped not in html


# The dashboard


def test_an_editor_sees_their_own_drafts_and_scheduled_answers_not_a_colleagues(
    editor_client, editor, colleague
):
    other, other_client = colleague
    doctor = make_doctor("Sun Wei")
    mine = editor_client.post(
        reverse("admin:articles_article_add"),
        add_article_data(editor_client, title="My draft?", doctor=str(doctor.pk)),
    )
    assert mine.status_code == 302
    later = (timezone.localtime() + timedelta(days=2)).replace(microsecond=0)
    scheduled = editor_client.post(
        reverse("admin:articles_article_add"),
        add_article_data(
            editor_client,
            title="My scheduled answer?",
            doctor=str(doctor.pk),
            _schedule="Schedule",
            when=later.strftime("%Y-%m-%dT%H:%M"),
        ),
    )
    assert scheduled.status_code == 302
    theirs = other_client.post(
        reverse("admin:articles_article_add"),
        add_article_data(other_client, title="Their draft?", doctor=str(doctor.pk)),
    )
    assert theirs.status_code == 302
    # A draft I started but my colleague edited last is theirs now.
    handed_over = make_article("Handed over?", doctor, status=Article.Status.DRAFT)
    log(editor, handed_over, ADDITION)
    log(other, handed_over)

    # A live answer whose changes I saved as a draft (a working copy) is one of my drafts too.
    changed = make_article("Live, changed?", doctor)
    data = change_article_data(editor_client, changed, title="Live, changed by me?")
    url = reverse("admin:articles_article_change", args=[changed.pk])
    assert editor_client.post(url, data | {"_continue": "1"}).status_code == 302
    filtered = editor_client.get(CHANGELIST, {"publication": "changes"})
    assert [a.pk for a in filtered.context["cl"].result_list] == [changed.pk]

    response = editor_client.get(INDEX)
    dashboard = response.context["dashboard"]
    assert [a.title for a in dashboard.my_drafts] == ["Live, changed?", "My draft?"]
    assert [a.title for a in dashboard.my_scheduled] == ["My scheduled answer?"]
    draft = Article.objects.get(title="My draft?")
    section = response.text.split('id="my-drafts"')[1].split("</section>")[0]
    assert reverse("admin:articles_article_change", args=[draft.pk]) in section
    assert "Their draft?" not in section and "Handed over?" not in section
    assert "I last edited it just now" in section
    assert "My scheduled answer?" in response.text.split('id="my-scheduled"')[1]

    theirs_now = other_client.get(INDEX).context["dashboard"]
    assert [a.title for a in theirs_now.my_drafts] == ["Handed over?", "Their draft?"]


def test_recently_edited_names_who_and_when_one_line_per_answer(editor_client, editor, colleague):
    other, _ = colleague
    article = make_article("Edited often?")
    quiet = make_article("Edited once?")
    with time_machine.travel(timezone.now() - timedelta(minutes=10)):
        log(other, quiet)
    for _ in range(3):
        log(editor, article)
    log(other, article)
    response = editor_client.get(INDEX)
    edited = response.context["dashboard"].recently_edited
    assert [g.answer for g in edited] == [article, quiet]
    assert edited[0].summary == "edited 4 times"
    assert edited[0].editors == ["Wen Ward", "nurse"]
    section = response.text.split('id="recently-edited"')[1].split("</section>")[0]
    assert section.count("Edited often?") == 1
    assert "edited 4 times by Wen Ward, nurse, last just now" in section
    assert "edited once by Wen Ward, last 10\xa0minutes ago" in section


def test_recent_actions_are_grouped_per_object(editor_client, editor):
    article = make_article("Five saves?")
    url = reverse("admin:articles_article_change", args=[article.pk])
    for n in range(5):
        data = change_article_data(editor_client, article, summary=f"Version {n}.")
        assert editor_client.post(url, data).status_code == 302
    response = editor_client.get(INDEX)
    sidebar = response.text.split('id="recent-actions-module"')[1]
    assert sidebar.count("Five saves?") == 1
    assert "Article: edited 5 times, last just now" in sidebar
    assert f'href="{url}"' in sidebar


def test_reviews_due_lists_overdue_first_and_links_to_the_filtered_list(editor_client):
    today = date(2025, 6, 1)
    with time_machine.travel(today, tick=False):
        doctor = make_doctor()
        soon = make_article(
            "Due soon?",
            doctor,
            reviewed_by=doctor,
            reviewed_on=date(2024, 6, 20),
            next_review_due=date(2025, 6, 20),
        )
        late = make_article(
            "Overdue?",
            doctor,
            reviewed_by=doctor,
            reviewed_on=date(2023, 1, 1),
            next_review_due=date(2024, 1, 1),
        )
        make_article(
            "Fresh?",
            doctor,
            reviewed_by=doctor,
            reviewed_on=date(2025, 5, 1),
            next_review_due=date(2026, 5, 1),
        )
        make_article(
            "Overdue draft?",
            doctor,
            status=Article.Status.DRAFT,
            reviewed_by=doctor,
            reviewed_on=date(2023, 1, 1),
            next_review_due=date(2024, 1, 1),
        )
        response = editor_client.get(INDEX)
    assert response.context["dashboard"].reviews_due == [late, soon]
    section = response.text.split('id="reviews-due"')[1].split("</section>")[0]
    assert "overdue since Jan. 1, 2024" in section
    assert "due June 20, 2025" in section
    assert "?publication=live&amp;review=overdue" in section
    assert "?publication=live&amp;review=due_soon" in section


def test_the_heading_names_accounts_only_for_those_who_manage_them(editor_client, client):
    editor_page = editor_client.get(INDEX)
    assert editor_page.context["title"] == "Content"
    assert "accounts" not in editor_page.text.lower().replace("two-factor", "")
    assert [app["name"] for app in editor_page.context["app_list"]] == ["Content"]


def test_a_superuser_sees_content_and_accounts_with_the_content_first(staff_client):
    response = staff_client.get(INDEX)
    assert response.context["title"] == "Content and accounts"
    assert "<h1>Content and accounts</h1>" in response.text
    assert response.context["app_list"][0]["name"] == "Content"


def test_the_dashboard_costs_the_same_with_many_answers_and_log_entries(
    editor_client, editor, django_assert_max_num_queries
):
    def populate(n: int) -> None:
        doctor = make_doctor()
        for i in range(n):
            article = make_article(
                status=Article.Status.DRAFT if i % 3 == 0 else Article.Status.PUBLISHED,
                doctor=doctor,
                reviewed_by=doctor,
                reviewed_on=date(2020, 1, 1),
                next_review_due=date(2021, 1, 1),
            )
            log(editor, article, ADDITION)
            log(editor, article)

    populate(3)
    editor_client.get(INDEX)  # the content type, cached
    # Four for the session, the user and their permissions; eleven for the dashboard (drafts
    # and answers with unpublished changes apart; my drafts, my scheduled answers and reviews
    # due: ids first, then their rows); the editor's doctor (none) and "approved to publish".
    with django_assert_max_num_queries(17):
        editor_client.get(INDEX)
    populate(40)
    with django_assert_max_num_queries(17):
        response = editor_client.get(INDEX)
    dashboard = response.context["dashboard"]
    assert len(dashboard.my_drafts) == len(dashboard.recently_edited) == 8


# The favicon


def test_favicon_ico_leads_to_the_sites_icon_and_the_admin_links_it(reader, staff_client, settings):
    settings.LIVERQA_PAGE_CACHE_SECONDS = 600
    for _ in range(2):  # never stored by the page cache: the second answer is the same
        response = reader.get("/favicon.ico")
        assert response.status_code == 302
        assert response["Location"] == "/static/favicon.svg"
        assert "X-Page-Cache" not in response
        assert "max-age=86400" in response["Cache-Control"]
        assert "default-src 'self'" in response["Content-Security-Policy"]
    assert reader.head("/favicon.ico").status_code == 302
    assert reader.post("/favicon.ico").status_code == 405
    page = staff_client.get(INDEX).text
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    login = Client().get(reverse("admin:login")).text
    assert 'rel="icon"' in login


# Other Voices in words


def _other_voices(client, article: Article):
    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    inline = next(
        f for f in response.context["inline_admin_formsets"] if f.opts.model is RelatedArticle
    )
    return response, inline.formset.other_voices


def test_other_voices_are_explained_in_words_and_percentages(staff_client):
    hepatology = make_department("Hepatology")
    doctor, colleague = make_doctor("Yan Chun", hepatology), make_doctor("Sun Wei", hepatology)
    article = make_article(
        "Can cirrhosis cause varices?",
        doctor,
        tags=("cirrhosis", "varices"),
        body="Cirrhosis raises the pressure in the portal vein, and varices form.",
    )
    make_article(
        "Are varices dangerous in cirrhosis?",
        colleague,
        tags=("cirrhosis", "varices", "bleeding"),
        body="Varices can bleed; banding and propranolol help. Cirrhosis needs follow-up.",
    )
    make_article(
        "Does cirrhosis itch?",
        make_doctor("Li Hu", make_department("Dermatology")),
        tags=("cirrhosis",),
        body="Itching is common in cholestatic liver disease and in cirrhosis.",
    )
    rebuild_indexes()
    response, rows = _other_voices(staff_client, article)
    assert [r.article.title for r in rows] == [a.title for a in related_articles(article)]
    first, second = rows
    assert first.why.startswith("Shares the tags cirrhosis and varices; both about cirrhosis")
    assert "portal hypertension" in first.why
    assert "similar wording (" in first.why and first.why.endswith("same department")
    assert first.relevance == 100
    assert second.why.startswith("Shares the tag cirrhosis; both about cirrhosis")
    assert "same department" not in second.why
    assert 0 < second.relevance < 100
    html = response.text.split('id="sidebar-group"')[1].split("</fieldset>")[0]
    assert f"{second.relevance}%" in html
    # No raw floats, no row captions, no boolean icons.
    assert "0." not in html
    assert "icon-no" not in html and "icon-yes" not in html
    assert 'class="inline_label"' not in html


def test_other_voices_show_what_readers_get_and_label_the_rest(staff_client):
    department = make_department()
    article = make_article("Liver stiffness and fibroscan?", tags=("fibroscan",))
    others = [
        make_article(
            f"Fibroscan question {i}?", make_doctor(department=department), tags=("fibroscan",)
        )
        for i in range(7)
    ]
    rebuild_indexes()
    # One of them is scheduled now: stored, but not for readers.
    Article.objects.filter(pk=others[0].pk).update(published_at=timezone.now() + timedelta(days=1))
    response, rows = _other_voices(staff_client, article)
    readers_get = related_articles(article)
    shown = [r for r in rows if r.shown]
    assert [r.article for r in shown] == readers_get
    assert len(shown) == 5
    hidden = [r for r in rows if not r.shown]
    assert hidden and all(r.not_shown for r in hidden)
    assert any("not live yet" in r.not_shown for r in hidden)
    assert any("kept in reserve" in r.not_shown for r in hidden)
    assert response.text.count("Not shown: ") == len(hidden)


def test_a_picks_row_says_editors_pick(staff_client):
    article = make_article("Owner?", tags=("diet",))
    pick = make_article("Picked by hand?")
    article.picks.create(related=pick, position=1)
    rebuild_indexes()
    _, rows = _other_voices(staff_client, article)
    assert rows[0].article == pick
    assert rows[0].why == "Editor's pick" and rows[0].relevance is None


def test_the_other_voices_table_costs_the_same_for_any_list_length(staff_client):
    def queries(n: int) -> int:
        article = make_article(tags=("ascites",))
        for _ in range(n):
            make_article(tags=("ascites",), doctor=make_doctor())
        rebuild_indexes()
        url = reverse("admin:articles_article_change", args=[article.pk])
        staff_client.get(url)
        with CaptureQueriesContext(connection) as captured:
            staff_client.get(url)
        return len(captured)

    # Both lists full (more than SHOWN), so neither is topped up by the department's latest.
    assert queries(6) == queries(9)


def test_the_department_fill_is_listed_as_readers_get_it_not_as_related(staff_client):
    hepatology = make_department("Hepatology")
    article = make_article("Can a liver cyst grow?", make_doctor(department=hepatology))
    latest = make_article("Is hepatitis B inherited?", make_doctor(department=hepatology))
    rebuild_indexes()
    response, rows = _other_voices(staff_client, article)
    assert [(r.article, r.shown) for r in rows] == [(latest, True)]
    assert rows[0].why.startswith("More from Hepatology: fills a short list")
    assert rows[0].relevance is None
    assert "More from Hepatology" in response.text


def test_a_draft_or_new_answer_says_when_it_gets_its_list(staff_client):
    draft = make_article(status=Article.Status.DRAFT)
    response, rows = _other_voices(staff_client, draft)
    assert rows is None
    assert "Computed once the answer is published" in response.text
    new = staff_client.get(reverse("admin:articles_article_add"))
    assert "Computed once the answer is published" in new.text


# The delete page


def test_the_delete_page_lists_what_editors_made_not_the_indexes(editor_client):
    article = make_article("To be deleted?", tags=("ascites", "diet"))
    make_article("Neighbour?", tags=("ascites",))
    Reference.objects.create(article=article, title="A guideline", url="https://example.org/")
    rebuild_indexes()
    assert RelatedArticle.objects.filter(article=article).exists()
    response = editor_client.get(reverse("admin:articles_article_delete", args=[article.pk]))
    assert response.status_code == 200
    html = response.text
    assert "To be deleted?" in html and "ascites" in html and "A guideline" in html
    for internal in ["Article term", "Indexed article", "Related article (computed)"]:
        assert internal not in html
    counts = response.context["model_count"]
    assert dict(counts) == {"articles": 1, "tags": 2, "references": 1, "article addresses": 1}
    assert (
        editor_client.post(
            reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"}
        ).status_code
        == 302
    )
    assert not Article.objects.filter(pk=article.pk).exists()


def test_the_bulk_delete_page_is_as_plain(editor_client):
    articles = [make_article(tags=("ascites",)) for _ in range(2)]
    rebuild_indexes()
    response = editor_client.post(
        CHANGELIST,
        {"action": "delete_selected", "_selected_action": [a.pk for a in articles]},
    )
    assert "Article term" not in response.text
    assert "Related article (computed)" not in response.text
    assert "Articles: 2" in response.text


# File uploads


def test_a_stored_file_shows_currently_clear_and_change_on_lines_of_their_own(staff_client):
    doctor = make_doctor(photo="photos/someone.jpg")
    html = staff_client.get(reverse("admin:articles_doctor_change", args=[doctor.pk])).text
    widget = html.split('<div class="file-upload-widget">')[1].split("</div>")[0]
    current, change = widget.split("</p>")[:2]
    assert "Currently:" in current and 'name="photo-clear"' in current
    assert "Change:" in change and 'type="file"' in change


def test_deleted_answers_and_odd_log_rows_are_listed_safely(editor_client, editor):
    article = make_article("<script>alert(1)</script>?")
    url = reverse("admin:articles_article_delete", args=[article.pk])
    assert editor_client.post(url, {"post": "yes"}).status_code == 302
    # A log row naming no number (written by hand or another tool) is listed, not a 500.
    LogEntry.objects.create(
        user=editor,
        content_type=ContentType.objects.get_for_model(Article),
        object_id="not-a-number",
        object_repr="Imported by hand",
        action_flag=CHANGE,
    )
    response = editor_client.get(INDEX)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;?" in response.text
    recent = response.context["dashboard"].recently_edited
    assert [(g.answer, g.summary) for g in recent] == [(None, "edited once"), (None, "deleted")]
    assert "Imported by hand" in response.text
