"""The list sorted by next review, and the query planner's statistics again, after 0014 and
0016 (and this) added indexes.

A click on "next review" sorts by it with the list's own order (newest first) as the tiebreak
(``?o=4.-2``, then ``?o=-4.-2``); most answers have no review date, so without an index in
that exact order SQLite sorted nearly every id (160 ms a page at 100,000).

0013 ran ANALYZE before them; without statistics for an index SQLite guesses that an equality
on it finds a few rows, so it chose 0014's ``working_copy_of`` indexes (and the one-to-one's
own) for the article list and sorted 100,000 ids in a temporary tree instead of walking
0013's ordered indexes: 130-300 ms a page instead of 50-100.
"""

from django.db import migrations, models

ANSWERS = models.Q(("working_copy_of__isnull", True))


def review_sort_index(name, fields):
    return migrations.AddIndex(
        model_name="article", index=models.Index(fields=fields, name=name, condition=ANSWERS)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_article_title_search_index"),
    ]

    operations = [
        review_sort_index(
            "article_admin_review_sort_idx", ["next_review_due", "-published_at", "-id"]
        ),
        review_sort_index(
            "article_admin_review_desc_idx", ["-next_review_due", "-published_at", "-id"]
        ),
        migrations.RunSQL("ANALYZE", reverse_sql=migrations.RunSQL.noop),
    ]
