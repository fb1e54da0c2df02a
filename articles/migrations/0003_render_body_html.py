"""Render every existing article body from Markdown into body_html."""

from django.db import migrations

from articles.richtext import render_markdown


def render_bodies(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    for article in Article.objects.only("pk", "body").iterator():
        Article.objects.filter(pk=article.pk).update(body_html=render_markdown(article.body))


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_review_references_media_slug_history")]

    operations = [migrations.RunPython(render_bodies, migrations.RunPython.noop)]
