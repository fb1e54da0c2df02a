"""import_pages and export_fixtures, through the management commands."""

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from articles.models import Article, Department, Doctor, RelatedPick

from .test_fixtures import snapshot

pytestmark = pytest.mark.django_db

PAGES = Path(__file__).parent / "pages"
SOURCE = Path(settings.BASE_DIR) / "fixtures" / "source"
SHIPPED = Path(settings.BASE_DIR) / "fixtures" / "content.json"

GOOD_PAGE = """\
Can hepatitis B be cured?
Written by Sun Wei
Surgical Oncology
Updated on May 1, 2025

Hepatitis B can be controlled with antiviral drugs.

Other Voices
Written by Yan Chun
Oncology
1min 5sec home-news-image

Is hepatitis B contagious?

Yes, through blood and from mother to child.
"""


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def write(tmp_path: Path, text: str, name: str = "page.txt", newline: str = "\n") -> Path:
    path = tmp_path / name
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return path


# -- Importing ---------------------------------------------------------------------------------


def test_importing_the_source_page_yields_exactly_the_shipped_fixtures(tmp_path):
    run("import_pages", str(SOURCE))
    run("export_fixtures", str(tmp_path))
    assert (tmp_path / "content.json").read_bytes() == SHIPPED.read_bytes()


# flush truncates tables, which PostgreSQL refuses inside the test's open transaction.
@pytest.mark.django_db(transaction=True)
def test_importing_the_source_page_yields_the_same_rows_as_loading_the_fixtures():
    run("import_pages", str(SOURCE))
    imported = snapshot()
    call_command("flush", interactive=False, verbosity=0)
    call_command("loaddata", "content", verbosity=0)
    assert snapshot() == imported


def test_importing_twice_changes_nothing():
    first = run("import_pages", str(PAGES))
    before = snapshot()
    second = run("import_pages", str(PAGES))
    assert snapshot() == before
    assert "0 created, 0 updated" in second
    assert "articles      0 created, 0 updated, 7 unchanged" in second
    assert "articles      7 created" in first


def test_pages_that_share_doctors_reuse_them(site_content):
    run("import_pages", str(PAGES / "gallstones.txt"))
    assert Doctor.objects.filter(name="Liu Wu Cai").count() == 1
    assert Doctor.objects.get(name="Sun Wei").articles.count() == 2
    assert Doctor.objects.count() == 7  # José Álvarez is new


def test_main_article_picks_its_other_voices_in_page_order_with_durations_and_date():
    run("import_pages", str(PAGES / "gallstones.txt"))
    main = Article.objects.get(title="Can gallstones cause liver pain?")
    assert main.updated_at == date(2025, 3, 3)
    assert main.status == Article.Status.PUBLISHED
    picks = [p.related for p in main.picks.select_related("related")]
    assert [p.title for p in picks] == [
        "Should gallstones always be removed?",
        "What should I eat with gallstones?",
    ]
    assert [p.audio_duration for p in picks] == [timedelta(seconds=48), timedelta(minutes=2)]
    assert main.body == (
        "Gallstones sit in the gallbladder, not in the liver, but the pain they cause is often "
        "felt under the right ribs, where the liver is.\n\n"
        "When a stone blocks the bile duct, the skin and eyes may turn yellow. This is jaundice, "
        "and it needs a doctor the same day."
    )
    assert set(main.tags.names()) >= {"gallstones", "jaundice"}


def test_unicode_page_without_date_or_other_voices():
    run("import_pages", str(PAGES / "hepatitis.txt"))
    article = Article.objects.get()
    assert article.title == "乙肝会变成肝癌吗？"
    assert article.slug == "乙肝会变成肝癌吗"
    assert article.doctor.slug == "刘武才"
    assert article.doctor.department.name == "肝胆外科"
    assert article.updated_at is None
    assert article.paragraphs == [
        "慢性乙型肝炎如果长期不治疗，可能发展为肝硬化，少数患者会发展为肝癌。",
        "定期复查肝功能和超声，可以早期发现问题。",
    ]
    assert not RelatedPick.objects.exists()


def test_blank_lines_trailing_spaces_and_zero_or_missing_durations():
    run("import_pages", str(PAGES / "fatty-liver.txt"))
    main = Article.objects.get(title="Is fatty liver reversible?")
    assert main.doctor.name == "Yan Chun"
    assert main.body.endswith("cutting down on alcohol.")
    voices = [p.related for p in main.picks.select_related("related")]
    assert [v.audio_duration for v in voices] == [None, None]
    assert voices[1].title == "Can fatty liver turn into cancer?"


@pytest.mark.parametrize(
    ("prefix", "newline"), [("\ufeff", "\n"), ("", "\r\n"), ("\ufeff", "\r\n"), ("", "\r")]
)
def test_bom_and_windows_or_old_mac_line_endings(tmp_path, prefix, newline):
    run("import_pages", str(write(tmp_path, prefix + GOOD_PAGE, newline=newline)))
    main = Article.objects.get(slug="can-hepatitis-b-be-cured")
    assert main.title == "Can hepatitis B be cured?"
    assert main.body == "Hepatitis B can be controlled with antiviral drugs."
    assert main.picks.get().related.audio_duration == timedelta(seconds=65)


def test_reimport_updates_changed_text_and_keeps_editorial_choices(tmp_path):
    path = write(tmp_path, GOOD_PAGE)
    run("import_pages", str(path))
    article = Article.objects.get(slug="can-hepatitis-b-be-cured")
    article.status = Article.Status.DRAFT
    article.save()
    article.tags.add("antiviral drugs")

    path.write_text(GOOD_PAGE.replace("antiviral drugs.", "antiviral drugs for life."))
    output = run("import_pages", str(path), verbosity=2)
    assert "updated  article: Can hepatitis B be cured?" in output
    article.refresh_from_db()
    assert article.body == "Hepatitis B can be controlled with antiviral drugs for life."
    assert article.status == Article.Status.DRAFT
    assert "antiviral drugs" in article.tags.names()


def test_dry_run_reports_and_writes_nothing():
    output = run("import_pages", str(PAGES), dry_run=True)
    assert "Dry run, nothing written" in output
    assert "articles      7 created" in output
    assert not Article.objects.exists()
    assert not Department.objects.exists()


def test_verbose_lists_every_row():
    output = run("import_pages", str(PAGES / "hepatitis.txt"), verbosity=2)
    assert "created  department: 肝胆外科" in output
    assert "created  doctor: 刘武才" in output
    assert "created  article: 乙肝会变成肝癌吗？" in output


# -- Broken input: a clear file:line message, and nothing written ----------------------------

BROKEN = {
    "no byline": ("Title?\n\nBody text.\n", "line 3: expected 'Written by <name>'"),
    "byline first": ("Written by Sun Wei\nOncology\n", "line 1: expected the article title"),
    "no department": ("Title?\nWritten by Sun Wei\n", "expected a department name"),
    "bad date": (
        "Title?\nWritten by Sun Wei\nOncology\nUpdated on 31/12/2024\n\nBody.\n",
        "line 4: expected a date like 'Updated on December 21, 2024'",
    ),
    "no body": ("Title?\nWritten by Sun Wei\nOncology\n", "has no text"),
    "empty other voices": (GOOD_PAGE.split("Written by Yan")[0], "followed by no answers"),
    "voice without byline": (
        GOOD_PAGE.replace("Written by Yan Chun", "Yan Chun"),
        "line 9: expected 'Written by <name>'",
    ),
    "voice without text": (GOOD_PAGE.rsplit("\n\n", 1)[0] + "\n", "has no text"),
    "title too long": ("Q" * 300 + "?\nWritten by Sun Wei\nOncology\n\nBody.\n", "line 1: article"),
    "control character in the title": (
        "A\x0ctitle?\nWritten by Sun Wei\nOncology\n\nBody.\n",
        "line 1: article 'A\\x0ctitle?' is not valid (title: A title is one line of text",
    ),
    "empty file": ("", "line 1: expected the article title, found the end of the page"),
}


@pytest.mark.parametrize("case", BROKEN)
def test_broken_pages_are_rejected_with_file_and_line_and_nothing_written(
    tmp_path, site_content, case
):
    text, message = BROKEN[case]
    before = snapshot()
    good = write(tmp_path, GOOD_PAGE, "a-good.txt")
    broken = write(tmp_path, text, "b-broken.txt")
    with pytest.raises(CommandError) as error:
        run("import_pages", str(good), str(broken))
    assert f"{broken}: " in str(error.value)
    assert message in str(error.value)
    assert "nothing was imported" in str(error.value)
    assert snapshot() == before


def test_every_broken_page_is_reported_at_once(tmp_path):
    write(tmp_path, BROKEN["no byline"][0], "one.txt")
    write(tmp_path, BROKEN["bad date"][0], "two.txt")
    with pytest.raises(CommandError) as error:
        run("import_pages", str(tmp_path))
    assert "one.txt: line 3" in str(error.value)
    assert "two.txt: line 4" in str(error.value)


def test_a_file_that_is_not_utf8_text_is_rejected(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Título?\nWritten by José\nOncology\n\nBody.\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8 text"):
        run("import_pages", str(path))
    assert not Article.objects.exists()


def test_missing_paths_and_empty_folders_are_clear_errors(tmp_path):
    with pytest.raises(CommandError, match="no such file or folder"):
        run("import_pages", str(tmp_path / "nope.txt"))
    with pytest.raises(CommandError, match="no .txt pages found"):
        run("import_pages", str(tmp_path))


# -- Exporting -----------------------------------------------------------------------------------


# flush truncates tables, which PostgreSQL refuses inside the test's open transaction.
@pytest.mark.django_db(transaction=True)
def test_export_flush_loaddata_export_is_byte_identical(tmp_path):
    run("import_pages", str(SOURCE), str(PAGES))
    Article.objects.get(slug="乙肝会变成肝癌吗").tags.add("乙肝", "Hepatitis B")
    run("export_fixtures", str(tmp_path / "first"))
    call_command("flush", interactive=False, verbosity=0)
    call_command("loaddata", str(tmp_path / "first" / "content.json"), verbosity=0)
    run("export_fixtures", str(tmp_path / "second"))
    first = (tmp_path / "first" / "content.json").read_bytes()
    assert first == (tmp_path / "second" / "content.json").read_bytes()
    assert "乙肝会变成肝癌吗".encode() in first  # readable, not \\u escapes
    assert b'"pk"' not in first


# flush truncates tables, which PostgreSQL refuses inside the test's open transaction.
@pytest.mark.django_db(transaction=True)
def test_export_does_not_depend_on_insertion_order(tmp_path):
    run("import_pages", str(PAGES / "fatty-liver.txt"), str(PAGES / "gallstones.txt"))
    run("export_fixtures", str(tmp_path / "one"))
    call_command("flush", interactive=False, verbosity=0)
    run("import_pages", str(PAGES / "gallstones.txt"), str(PAGES / "fatty-liver.txt"))
    run("export_fixtures", str(tmp_path / "two"))
    one = (tmp_path / "one" / "content.json").read_text()
    two = (tmp_path / "two" / "content.json").read_text()
    assert one == two


def test_a_paragraph_starting_with_written_by_stays_in_the_main_answer(tmp_path):
    page = GOOD_PAGE.replace(
        "Hepatitis B can be controlled with antiviral drugs.",
        "Hepatitis B can be controlled with antiviral drugs.\n\n"
        "Written by patients in forums, stories of cures are not reliable.",
    )
    run("import_pages", str(write(tmp_path, page)))
    main = Article.objects.get(slug="can-hepatitis-b-be-cured")
    assert main.body.endswith("stories of cures are not reliable.")
    assert main.picks.count() == 1


def test_reimport_finds_rows_whose_slug_an_editor_changed(tmp_path):
    path = write(tmp_path, GOOD_PAGE)
    run("import_pages", str(path))
    article = Article.objects.get(slug="can-hepatitis-b-be-cured")
    article.slug = "hepatitis-b-cure"
    article.save()
    Department.objects.filter(name="Oncology").update(slug="cancer-medicine")
    Doctor.objects.filter(name="Sun Wei").update(slug="dr-sun-wei")

    output = run("import_pages", str(path))
    assert "articles      0 created" in output
    assert "departments   0 created" in output
    assert "doctors       0 created" in output
    assert Article.objects.filter(title="Can hepatitis B be cured?").count() == 1
    assert Article.objects.get(title="Can hepatitis B be cured?").slug == "hepatitis-b-cure"
