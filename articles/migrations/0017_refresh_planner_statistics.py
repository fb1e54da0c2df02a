"""The query planner's statistics again, after 0014 and 0016 added indexes.

0013 ran ANALYZE before them; without statistics for an index SQLite guesses that an equality
on it finds a few rows, so it chose 0014's ``working_copy_of`` indexes (and the one-to-one's
own) for the article list and sorted 100,000 ids in a temporary tree instead of walking
0013's ordered indexes: 130-300 ms a page instead of 50-100.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_article_title_search_index"),
    ]

    operations = [migrations.RunSQL("ANALYZE", reverse_sql=migrations.RunSQL.noop)]
