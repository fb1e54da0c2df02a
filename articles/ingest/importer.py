"""Write parsed pages into the database: departments, doctors and articles matched by slug.

Importing is idempotent: a page already imported changes nothing. Editorial decisions made in
admin since (status, publication date, extra tags, extra related picks) are never undone.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction

from ..editorial import rules
from ..models import Article, Department, Doctor, RelatedPick
from ..slugs import slug_for
from .pages import Page, PageArticle, PageError
from .topics import topics_for

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do), row by row."""

    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (model, outcome, label)

    def add(self, model: str, outcome: str, label: str) -> None:
        self.rows.append((model, outcome, label))

    def counts(self) -> Counter[tuple[str, str]]:
        return Counter((model, outcome) for model, outcome, _ in self.rows)


def _save(
    report: ImportReport,
    kind: str,
    obj,
    values: dict,
    where: tuple[str, int],
    *,
    more_changes: bool = False,
) -> None:
    """Create ``obj`` or update the fields in ``values`` that differ; record which it was.

    The row is validated as admin would validate it; a problem is reported at ``where``
    (the page and line it came from).
    """
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    try:
        obj.full_clean(validate_unique=False)
    except ValidationError as exc:
        problems = "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()
        )
        raise PageError(*where, f"{kind} {str(obj)[:60]!r} is not valid ({problems})") from None
    if obj.pk is None:
        obj.save()
        report.add(kind, CREATED, str(obj))
    elif changed or more_changes:
        if changed:
            obj.save(update_fields=changed)
        report.add(kind, UPDATED, str(obj))
    else:
        report.add(kind, UNCHANGED, str(obj))


def _get(model, slug: str, **also):
    """The row with this slug, else the one matching ``also`` (an editor may have changed
    the slug since), else a new row with this slug."""
    found = model.objects.filter(slug=slug).first()
    if found is None and also:
        found = model.objects.filter(**also).order_by("pk").first()
    return found or model(slug=slug)


class _Importer:
    def __init__(self, report: ImportReport) -> None:
        self.report = report
        self.seen: dict[tuple[str, str], object] = {}

    def once(self, kind: str, slug: str, build):
        """Each row is saved once per import, however many pages mention it."""
        if (kind, slug) not in self.seen:
            self.seen[kind, slug] = build()
        return self.seen[kind, slug]

    def department(self, name: str, where: tuple[str, int]) -> Department:
        slug = slug_for(Department, name, "department")

        def build() -> Department:
            department = _get(Department, slug, name=name)
            _save(self.report, "department", department, {"name": name}, where)
            return department

        return self.once("department", slug, build)

    def doctor(self, name: str, department_name: str, where: tuple[str, int]) -> Doctor:
        slug = slug_for(Doctor, name, "doctor")
        department = self.department(department_name, where)

        def build() -> Doctor:
            doctor = _get(Doctor, slug, name=name, department=department)
            values = {"name": name, "department_id": department.pk}
            _save(self.report, "doctor", doctor, values, where)
            return doctor

        return self.once("doctor", slug, build)

    def article(self, item: PageArticle, page: Page) -> Article:
        slug = slug_for(Article, item.title, "article")
        where = (page.source, item.line)
        doctor = self.doctor(item.doctor, item.department, where)
        published_on = page.main.updated_on

        def build() -> Article:
            # Imports before the one slug rule cut article slugs at 140 characters.
            article = _get(Article, slug, slugs__slug__in={slug, slug[:140].strip("-")})
            values = {
                "title": item.title,
                "doctor_id": doctor.pk,
                "body": item.body,
                "updated_at": item.updated_on,
                "audio_duration": item.audio_duration,
            }
            if article.pk is None:
                # A page holds answers that were live when it was captured.
                rules.publish(
                    article,
                    at=datetime.combine(published_on, time(), tzinfo=UTC) if published_on else None,
                )
            else:
                # Only what the page says overrides; an absent date does not erase one.
                values["updated_at"] = item.updated_on or article.updated_at
                values["audio_duration"] = item.audio_duration or article.audio_duration
            topics = topics_for(item.title, item.body)
            if article.pk is not None:
                existing = {name.lower() for name in article.tags.names()}
                topics = [name for name in topics if name.lower() not in existing]
            _save(self.report, "article", article, values, where, more_changes=bool(topics))
            if topics:
                article.tags.add(*topics)
            return article

        return self.once("article", slug, build)

    def picks(self, main: Article, voices: list[Article]) -> None:
        current = dict(RelatedPick.objects.filter(article=main).values_list("related", "position"))
        for position, voice in enumerate(voices, start=1):
            if current.get(voice.pk) == position:
                self.report.add("related pick", UNCHANGED, f"{main} → {voice}")
                continue
            RelatedPick.objects.update_or_create(
                article=main, related=voice, defaults={"position": position}
            )
            outcome = UPDATED if voice.pk in current else CREATED
            self.report.add("related pick", outcome, f"{main} → {voice}")


class DryRunRollback(Exception):
    """Raised inside the transaction to undo a dry run."""


def import_pages(pages: list[Page], *, dry_run: bool = False) -> ImportReport:
    """Import ``pages`` in one transaction: all of them, or (on any error) nothing."""
    report = ImportReport()
    try:
        with transaction.atomic():
            importer = _Importer(report)
            for page in pages:
                main = importer.article(page.main, page)
                voices = [importer.article(voice, page) for voice in page.voices]
                importer.picks(main, [v for v in voices if v.pk != main.pk])
            if dry_run:
                raise DryRunRollback
    except DryRunRollback:
        pass
    return report
