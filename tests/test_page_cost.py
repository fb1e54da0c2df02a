"""benchmarks/page_cost.py, the source of the README's in-process figures, still runs and
measures what its rows say (it refuses a row whose requests are not the hits or misses it names,
or a reused Other Voices fragment that was built again): three requests a row, query counts
only, since speed lives in benchmarks/."""

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from benchmarks.page_cost import measure, profile, table

pytestmark = pytest.mark.django_db


@pytest.fixture
def served(site_content, settings, tmp_path):
    """The shipped content, static files collected, the page cache on."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.LIVERQA_PAGE_CACHE_SECONDS = 600
    call_command("collectstatic", interactive=False, verbosity=0)
    caches["pages"].clear()
    # As Django's test client does: the WSGI handler would otherwise close, after each
    # request, the connection that holds this test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_every_row_is_measured_with_the_queries_the_page_cache_promises(served):
    rows = measure(requests=3)
    queries = {label: q for label, _, _, q in rows}
    assert list(queries) == [
        "static file (WhiteNoise)",
        "answer's page from the page cache",
        "page cache miss (page expired), Other Voices fragment reused",
        "page cache miss (its Other Voices changed), fragment rebuilt",
        "page cache off",
    ]
    assert queries["static file (WhiteNoise)"] == 0
    assert queries["answer's page from the page cache"] == 1  # the versions, in their table
    reused = queries["page cache miss (page expired), Other Voices fragment reused"]
    assert 0 < reused < queries["page cache miss (its Other Voices changed), fragment rebuilt"]
    assert queries["page cache off"] > 0
    printed = table(rows, 3, "SQLite").splitlines()
    assert len(printed) == 2 + len(rows)
    assert all(label in line for label, line in zip(queries, printed[2:], strict=True))


def test_the_profile_names_where_an_uncached_page_spends_its_time(served):
    printed = profile(requests=3).splitlines()
    assert [line.split(" | ")[0] for line in printed[2:]] == [
        "| the ORM's queries, built and run (`SQLCompiler.execute_sql`)",
        "| templates (`Template.render`)",
        "| `reverse()`, most of it inside templates",
    ]
