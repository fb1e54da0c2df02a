"""How far Other Voices drift from a full recompute after ordinary edits.

    .venv/bin/python benchmarks/freshness.py [--articles 2000] [--edits 20] [--seed 1]

Seeds a synthetic site in a throwaway SQLite file (or DATABASE_URL), builds every index, then
makes ``--edits`` ordinary edits through the ORM (a paragraph appended to an answer, committed,
so the after-commit indexing runs as it does for an editor), and records every sidebar readers
would now see. A full rebuild follows; the script reports the share of sidebars (all, and the
edited articles' own) that show the same articles as the rebuild gives.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    if "DATABASE_URL" not in os.environ:
        path = Path(tempfile.gettempdir()) / "liverqa-freshness.sqlite3"
        path.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-" + "x" * 50)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liverqa.settings")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from articles.ingest import demo
    from articles.models import Article
    from articles.related import related_articles

    call_command("migrate", verbosity=0)
    call_command("seed_demo", articles=args.articles, seed=args.seed, force=True, verbosity=0)

    def sidebars() -> dict[int, list[int]]:
        return {
            a.pk: [r.pk for r in related_articles(a)]
            for a in Article.objects.published().only("pk")
        }

    rng = random.Random(args.seed)
    live = list(Article.objects.published().order_by("pk").values_list("pk", flat=True))
    edited = rng.sample(live, args.edits)
    plan = demo.plan(random.Random(args.seed), args.articles)
    for pk in edited:
        article = Article.objects.get(pk=pk)
        topic = rng.choice(plan.topic_words)
        paragraph = " ".join(demo._sentence(rng, topic) for _ in range(4))
        with transaction.atomic():
            article.body += "\n\n" + paragraph
            article.save()
    after_edits = sidebars()
    call_command("rebuild_related", verbosity=0)
    rebuilt = sidebars()

    def same(ids) -> float:
        ids = list(ids)
        return sum(set(after_edits[i]) == set(rebuilt[i]) for i in ids) / len(ids)

    print(f"articles: {args.articles}, edits: {args.edits}")
    print(f"sidebars showing the same articles as a full rebuild: {same(rebuilt):.1%}")
    print(f"edited articles' own sidebars: {same(edited):.1%}")


if __name__ == "__main__":
    main()
