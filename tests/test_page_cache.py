"""The page cache: anonymous readers get stored pages, and every change an editor commits
reaches them at once; on the default caches (memory + database) and on Redis."""

import socket
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import pageversions
from articles.editorial import rules
from articles.models import Article, PageVersion

from .conftest import make_article, make_doctor

pytestmark = pytest.mark.django_db

REDIS = "redis://127.0.0.1:6379/0"


def redis_is_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.fixture(params=["default", "redis"])
def page_cache(request, settings):
    """The page cache switched on, on each backend."""
    settings.LIVERQA_PAGE_CACHE_SECONDS = 600
    if request.param == "redis":
        if not redis_is_up():
            pytest.skip("Redis is not running on 127.0.0.1:6379")
        prefix = f"test-{uuid.uuid4().hex}"
        backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS}
        settings.CACHES = {
            "default": {**backend, "KEY_PREFIX": f"{prefix}-d"},
            "pages": {**backend, "KEY_PREFIX": f"{prefix}-p"},
            "versions": {**backend, "KEY_PREFIX": f"{prefix}-v", "TIMEOUT": None},
        }
    else:
        caches["pages"].clear()
    yield request.param
    if request.param == "redis":
        for alias in ("default", "pages", "versions"):
            caches[alias].clear()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the body as a committed transaction would: the after-commit hooks fire."""

    def run(change):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            change()

    return run


def get(client: Client, url: str, **headers):
    response = client.get(url, headers=headers)
    return response, response.get("X-Page-Cache")


def test_a_second_anonymous_visit_is_served_from_the_cache(page_cache, reader):
    article = make_article("Is coffee good for the liver?")
    url = article.get_absolute_url()
    first, state = get(reader, url)
    assert (first.status_code, state) == (200, "miss")
    second, state = get(reader, url + "?utm_source=news")  # unknown parameters are ignored
    assert (second.status_code, state) == (200, "hit")
    assert second.content == first.content
    assert "public" in second["Cache-Control"] and "max-age=60" in second["Cache-Control"]
    assert second["ETag"] and second["Last-Modified"]
    not_modified = reader.get(url, headers={"If-None-Match": second["ETag"]})
    assert not_modified.status_code == 304


def test_staff_and_sessions_never_read_or_fill_the_cache(page_cache, reader, staff_client):
    article = make_article("Is coffee good for the liver?")
    url = article.get_absolute_url()
    for _ in range(2):
        response, state = get(staff_client, url)
        assert state is None
        assert "Edit in admin" in response.text  # the editors' bar, never stored
    assert get(reader, url)[1] == "miss"  # staff filled nothing


def test_an_edit_reaches_its_page_and_every_sidebar_showing_it(page_cache, reader, commit):
    doctor = make_doctor()
    first = make_article("Can gallstones cause jaundice?", tags=("gallstones",))
    second = make_article("Do gallstones need surgery?", doctor=doctor, tags=("gallstones",))
    commit(lambda: None)
    from articles import indexing

    indexing.rebuild_all()
    for url in (first.get_absolute_url(), second.get_absolute_url(), "/"):
        get(reader, url)
        assert get(reader, url)[1] == "hit"

    def rename():
        second.title = "When do gallstones need an operation?"
        second.save()

    commit(rename)
    page, state = get(reader, second.get_absolute_url())
    assert state == "miss" and "<h1>When do gallstones need an operation?</h1>" in page.text
    sidebar, state = get(reader, first.get_absolute_url())
    assert state == "miss" and "When do gallstones need an operation?" in sidebar.text
    home, state = get(reader, "/")
    assert state == "miss" and "When do gallstones need an operation?" in home.text


def test_publishing_and_unpublishing_reach_lists_and_sidebars(page_cache, reader, commit):
    from articles import indexing

    live = make_article("Can fatty liver be reversed?", tags=("fatty liver",))
    draft = make_article(
        "Does fatty liver cause fatigue?",
        tags=("fatty liver",),
        status=Article.Status.DRAFT,
        published_at=None,
    )
    indexing.rebuild_all()
    get(reader, "/")
    get(reader, live.get_absolute_url())
    assert get(reader, live.get_absolute_url())[1] == "hit"

    def publish():
        rules.publish(draft)
        draft.save()

    commit(publish)
    assert draft.title in get(reader, "/")[0].text
    assert draft.title in get(reader, live.get_absolute_url())[0].text  # its Other Voices

    def unpublish():
        rules.unpublish(draft)
        draft.save()

    commit(unpublish)
    assert draft.title not in get(reader, "/")[0].text
    assert draft.title not in get(reader, live.get_absolute_url())[0].text
    assert get(reader, draft.get_absolute_url())[0].status_code == 404


def test_a_doctor_rename_reaches_every_page(page_cache, reader, commit):
    article = make_article("Is hepatitis B curable?")
    url = article.get_absolute_url()
    get(reader, url)
    assert get(reader, url)[1] == "hit"
    doctor = article.doctor

    def rename():
        doctor.name = "Zhao Li Ping"
        doctor.save()

    commit(rename)
    page, state = get(reader, url)
    assert state == "miss" and "Zhao Li Ping" in page.text


def test_a_change_that_rolls_back_keeps_the_cached_page(page_cache, reader):
    article = make_article("Is hepatitis B curable?")
    url = article.get_absolute_url()
    get(reader, url)
    with pytest.raises(RuntimeError), transaction.atomic():
        article.title = "Changed?"
        article.save()
        raise RuntimeError
    assert get(reader, url)[1] == "hit"


def test_no_page_outlives_the_next_scheduled_publication(page_cache, reader):
    now = timezone.now()
    make_article("Live already?")
    scheduled = make_article("Goes live soon?", published_at=now + timedelta(seconds=30))
    with time_machine.travel(now, tick=False):
        first, _ = get(reader, "/")
        assert scheduled.title not in first.text
        max_age = int(first["Cache-Control"].split("max-age=")[1].split(",")[0])
        assert 0 < max_age <= 31
    with time_machine.travel(now + timedelta(seconds=31), tick=False):
        page, state = get(reader, "/")
        assert state == "miss" and scheduled.title in page.text


def test_not_found_and_hostile_addresses_are_not_stored(page_cache, reader):
    for url in ["/articles/no-such-answer/", "/articles/?page=abc"]:
        assert get(reader, url)[0].status_code == 404
        assert get(reader, url)[1] is None
    long_query = "/search/?q=" + "a" * 5000
    assert get(reader, long_query)[0].status_code == 200
    assert get(reader, long_query)[1] is None  # too long to be worth a key
    assert reader.get("/", headers={"Host": "evil.example"}).status_code == 400


def test_a_hit_costs_one_query_and_versions_without_redis_live_in_their_table(
    page_cache, reader, django_assert_num_queries
):
    article = make_article("Does fatty liver go away?")
    url = article.get_absolute_url()
    get(reader, url)
    expected_queries = 1 if page_cache == "default" else 0
    with django_assert_num_queries(expected_queries):
        assert get(reader, url)[1] == "hit"
    stored = set(PageVersion.objects.values_list("key", flat=True))
    if page_cache == "default":
        assert {"all", f"article:{article.pk}", f"sidebar:{article.pk}"} <= stored
    else:
        assert not stored


def test_each_bump_adds_one_to_the_stored_version_and_skips_keys_never_set():
    """Bumps are ``version + 1`` in the database, never a value the bumping worker read."""
    versions = pageversions.TableVersions()
    versions.add("article:1", 10)
    versions.bump({"article:1", "never-set"})
    with transaction.atomic():
        versions.bump({"article:1"})
        versions.bump({"article:1"})
    assert versions.get_many({"article:1", "never-set"}) == {"article:1": 13}


def test_the_other_voices_fragment_is_reused_by_staff_and_forgotten_on_an_edit(
    page_cache, reader, staff_client, commit
):
    from articles import indexing

    doctor = make_doctor()
    first = make_article("Can gallstones cause jaundice?", tags=("gallstones",))
    second = make_article("Do gallstones need <surgery>?", doctor=doctor, tags=("gallstones",))
    commit(indexing.rebuild_all)
    url = first.get_absolute_url()
    with CaptureQueriesContext(connection) as built:
        page = staff_client.get(url)  # staff never use whole pages, but do share fragments
    with CaptureQueriesContext(connection) as reused:
        assert staff_client.get(url).content == page.content
    sidebar_query = [q for q in built if "relatedarticle" in q["sql"]]
    assert len(sidebar_query) == 1 and len(reused) < len(built)
    assert not [q for q in reused if "relatedarticle" in q["sql"]]
    assert "Do gallstones need &lt;surgery&gt;?" in page.text  # escaped once, not twice

    def rename():
        second.title = "When do gallstones need an operation?"
        second.save()

    commit(rename)
    assert "When do gallstones need an operation?" in staff_client.get(url).text
    assert "When do gallstones need an operation?" in get(reader, url)[0].text


def test_feeds_and_sitemaps_are_cached_and_forgotten_when_an_answer_is_published(
    page_cache, reader, commit
):
    make_article("Is coffee good for the liver?")
    draft = make_article("Is tea good for the liver?", status=Article.Status.DRAFT)
    commit(lambda: None)
    for url in ("/feed/", "/feed/atom/", "/sitemap-articles.xml"):
        assert get(reader, url)[1] == "miss"
        assert get(reader, url)[1] == "hit"
    assert get(reader, "/sitemap-articles.xml?p=2")[0].status_code == 404  # not page 1's copy

    def publish():
        rules.publish(draft)
        draft.save()

    commit(publish)
    for url in ("/feed/", "/feed/atom/", "/sitemap-articles.xml"):
        response, state = get(reader, url)
        assert state == "miss" and draft.slug in response.text, url
