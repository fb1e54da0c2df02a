"""Bodies that stalled or crashed the old renderer: each gets a save or a clear form error, and
the length and nesting limits hold on every way in (admin, preview, importer, fixtures).

How long each takes is measured by benchmarks/hostile_markdown.py, not here.
"""

import io
import json

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from articles.models import Article
from articles.richtext import MAX_BODY_CHARACTERS, MAX_NESTING
from benchmarks.hostile_markdown import HOSTILE_BODIES

from .conftest import add_article_data, make_doctor
from .test_fixtures import snapshot
from .test_import import GOOD_PAGE, write

pytestmark = pytest.mark.django_db

TOO_LONG = "characters long; the limit is 20,000."
TOO_DEEP = "Lists and quotes are nested more than 8 levels deep"
OUTCOMES = {
    "20,000 unclosed [": None,  # saved: at the length limit, and linear to parse
    "list 500 deep": TOO_DEEP,
    '50,000 "*a"': TOO_LONG,
    "2 MB of text": TOO_LONG,
}
PREVIEW = reverse("admin:articles_article_body_preview")


def nested_list(depth: int) -> str:
    return "".join("  " * level + f"- level {level}\n" for level in range(depth))


def post_body(client, body: str):
    data = add_article_data(client, title="Q?", slug="q", doctor=make_doctor().pk, body=body)
    return client.post(reverse("admin:articles_article_add"), data)


@pytest.fixture(autouse=True)
def _fresh_preview_counts():
    """Preview counts live in the default cache, which outlives a test's transaction."""
    caches["default"].clear()


@pytest.mark.parametrize("name", HOSTILE_BODIES)
def test_hostile_bodies_through_the_admin_form_save_or_get_a_form_error(staff_client, name):
    response = post_body(staff_client, HOSTILE_BODIES[name])
    if OUTCOMES[name] is None:
        assert response.status_code == 302
        assert Article.objects.get(slug="q").body_html.startswith("<p>[[[")
    else:
        assert response.status_code == 200
        assert OUTCOMES[name] in response.context["adminform"].form.errors["body"][0]
        assert not Article.objects.exists()


@pytest.mark.parametrize("name", HOSTILE_BODIES)
def test_hostile_bodies_through_the_preview_render_or_say_why_not(staff_client, name):
    response = staff_client.post(PREVIEW, {"body": HOSTILE_BODIES[name]})
    if OUTCOMES[name] is None:
        assert response.status_code == 200
        assert response.json()["html"].startswith("<p>[[[")
    else:
        assert response.status_code == 400
        assert OUTCOMES[name] in response.json()["error"]


def test_the_form_states_the_limits(staff_client):
    form = staff_client.get(reverse("admin:articles_article_add")).text
    assert "At most 20,000 characters, and lists or quotes at most 8 levels deep." in form


def test_the_length_limit_counts_characters_and_allows_the_limit_itself(staff_client):
    at_limit = "é" * MAX_BODY_CHARACTERS  # two bytes each in UTF-8: characters count
    assert post_body(staff_client, at_limit + "x").status_code == 200
    assert post_body(staff_client, at_limit).status_code == 302


def test_a_line_break_as_browsers_post_it_counts_as_one_character(staff_client):
    """Each line break arrives as CR LF: the editor typed one character, not two."""
    lines = "a\r\n" * (MAX_BODY_CHARACTERS // 2)  # exactly the limit, as typed
    assert post_body(staff_client, lines + "x").status_code == 200
    assert post_body(staff_client, lines).status_code == 302


def test_lists_nest_up_to_the_limit_and_render_whole(staff_client):
    assert post_body(staff_client, nested_list(MAX_NESTING + 1)).status_code == 200
    assert not Article.objects.exists()
    assert post_body(staff_client, nested_list(MAX_NESTING)).status_code == 302
    html = Article.objects.get().body_html
    assert html.count("<ul>") == MAX_NESTING
    assert f"level {MAX_NESTING - 1}" in html


def test_quotes_inside_lists_count_towards_the_nesting_limit(staff_client):
    response = post_body(staff_client, "> - " * 4 + "> deep")  # nine levels
    assert TOO_DEEP in response.context["adminform"].form.errors["body"][0]


def test_previews_are_rate_limited_per_editor(settings, django_user_model):
    settings.LIVERQA_PREVIEW_RATE = "3/m"
    one, other = Client(), Client()
    one.force_login(django_user_model.objects.create_superuser("one", "1@example.com", "pw"))
    other.force_login(django_user_model.objects.create_superuser("two", "2@example.com", "pw"))
    for _ in range(3):
        assert one.post(PREVIEW, {"body": "*Hi*"}).status_code == 200
    limited = one.post(PREVIEW, {"body": "*Hi*"})
    assert limited.status_code == 429
    assert limited.json()["error"].startswith("Too many previews in a short time")
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert other.post(PREVIEW, {"body": "*Hi*"}).status_code == 200  # counted per editor
    # Saving is never limited.
    assert post_body(one, "Still *saves*.").status_code == 302


def test_the_importer_refuses_a_body_past_the_limits_and_writes_nothing(tmp_path, site_content):
    before = snapshot()
    good = write(tmp_path, GOOD_PAGE, "a-good.txt")
    long_body = GOOD_PAGE.replace("Can hepatitis B be cured?", "Is hepatitis B forever?").replace(
        "Hepatitis B can be controlled with antiviral drugs.", "Long. " * 10_000
    )
    broken = write(tmp_path, long_body, "b-long.txt")
    with pytest.raises(CommandError) as error:
        call_command("import_pages", str(good), str(broken), stdout=io.StringIO())
    assert f"{broken}: line 1:" in str(error.value)
    assert "nothing was imported" in str(error.value) and TOO_LONG in str(error.value)
    assert snapshot() == before


def test_a_fixture_with_a_body_past_the_limits_loads_nothing(tmp_path):
    rows = json.loads((settings.BASE_DIR / "fixtures" / "content.json").read_text())
    article = next(row for row in rows if row["model"] == "articles.article")
    article["fields"]["body"] = "- " * 500 + "x"
    fixture = tmp_path / "deep.json"
    fixture.write_text(json.dumps(rows))
    with pytest.raises(CommandError) as error:
        call_command("loaddata", str(fixture), verbosity=0)
    assert f"Article '{article['fields']['slug']}': {TOO_DEEP}" in str(error.value)
    assert "Nothing was loaded" in str(error.value)
    assert not Article.objects.exists()
