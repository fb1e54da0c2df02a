"""The site's content: departments, doctors, articles and their tags."""

from __future__ import annotations

import re
from datetime import date, datetime
from html import unescape

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Exists, F, Func, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItemBase

from .. import text
from ..editorial.reviews import DUE_SOON
from ..richtext import check_body, render_markdown
from ..slugs import unique_slug


def count_of(rows: models.QuerySet) -> Subquery:
    """How many of ``rows`` (narrowed by an ``OuterRef``) each row of the outer query has: a
    subquery read from an index range per row, where a join and GROUP BY read every related
    row to show a page of them."""
    counted = rows.order_by().annotate(n=Func(template="COUNT(*)", output_field=IntegerField()))
    return Subquery(counted.values("n"))


class SlugQuerySet(models.QuerySet):
    """Fixtures refer to rows by slug, never by numeric id."""

    def get_by_natural_key(self, slug: str) -> models.Model:
        return self.get(slug=slug)


class DepartmentQuerySet(SlugQuerySet):
    def live(self) -> DepartmentQuerySet:
        """Departments with a live answer: the only ones readers are shown or can open. One
        whose answers are all drafts or scheduled is unknown to readers, like such a topic."""
        return self.filter(
            Exists(Article.objects.published().filter(doctor__department=OuterRef("pk")))
        )

    def with_article_counts(self) -> DepartmentQuerySet:
        return self.annotate(
            article_count=Count(
                "doctors__articles",
                filter=Q(doctors__articles__in=Article.objects.published()),
            )
        ).order_by("name")  # GROUP BY drops Meta.ordering

    def with_editorial_counts(self) -> DepartmentQuerySet:
        """Counts for editors: every doctor and every answer, drafts included."""
        return self.annotate(
            doctor_count=count_of(Doctor.objects.filter(department=OuterRef("pk"))),
            # Doctor by doctor: joined the other way, SQLite counted every answer per department.
            article_count=count_of(
                Article.objects.filter(
                    doctor__in=Doctor.objects.filter(department=OuterRef(OuterRef("pk"))).values(
                        "pk"
                    )
                )
            ),
        )


@reversion.register()
class Department(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=140, unique=True, allow_unicode=True)
    description = models.TextField(blank=True)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = unique_slug(self, self.name, fallback="department")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:department_detail", args=[self.slug])

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class DoctorQuerySet(SlugQuerySet):
    def live(self) -> DoctorQuerySet:
        """Doctors with a live answer of their own: the only ones readers are shown or can open."""
        return self.filter(Exists(Article.objects.published().filter(doctor=OuterRef("pk"))))

    def with_article_counts(self) -> DoctorQuerySet:
        return self.annotate(
            article_count=Count("articles", filter=Q(articles__in=Article.objects.published()))
        ).order_by("name")  # GROUP BY drops Meta.ordering

    def with_editorial_counts(self) -> DoctorQuerySet:
        """Every answer of the doctor's, drafts included (a working copy is no answer)."""
        return self.annotate(article_count=count_of(Article.objects.filter(doctor=OuterRef("pk"))))


@reversion.register()
class Doctor(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True, allow_unicode=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="doctors")
    title = models.CharField(max_length=120, blank=True, help_text="E.g. Chief physician.")
    hospital = models.CharField(max_length=200, blank=True)
    bio = models.TextField(blank=True)
    photo = models.ImageField(
        upload_to="doctors/",
        blank=True,
        help_text="JPEG, PNG or WebP. Stored resized, with a small avatar made from it.",
    )
    avatar = models.ImageField(upload_to="doctors/avatars/", blank=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="doctor",
        help_text="The doctor's own account, to write and review answers.",
    )

    objects = DoctorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        # The admin's article list sorted by doctor walks the doctors in this order.
        indexes = [models.Index(fields=["name", "id"], name="doctor_name_idx")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = unique_slug(self, self.name, fallback="doctor")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:doctor_detail", args=[self.slug])

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    natural_key.dependencies = ["articles.department"]

    @property
    def initials(self) -> str:
        """ "Liu Wu Cai" -> "LC"; "刘武才" -> "刘": for the avatar shown when there is no photo."""
        words = self.name.split()
        if not words:
            return "?"
        if len(words) == 1:
            return words[0][0].upper()
        return (words[0][0] + words[-1][0]).upper()

    @property
    def photo_alt(self) -> str:
        return f"Photo of {self.name}"

    @property
    def avatar_tone(self) -> int:
        """A stable colour (0-5) per doctor, so avatars differ without storing anything."""
        return sum(map(ord, self.slug)) % 6


class ArticleQuerySet(SlugQuerySet):
    @staticmethod
    def published_q(now: datetime) -> Q:
        """The one definition of what readers may see: from ``published_at`` until
        ``expires_at``, both kept lazily (no job has to run for readers to see either)."""
        return Q(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now),
            status=Article.Status.PUBLISHED,
            published_at__lte=now,
        )

    @staticmethod
    def scheduled_q(now: datetime) -> Q:
        """Published by an editor, but not until a moment still to come."""
        return Q(status=Article.Status.PUBLISHED, published_at__gt=now)

    @staticmethod
    def review_overdue_q(today: date) -> Q:
        """Past the date by which a doctor should have checked the text again."""
        return Q(next_review_due__lt=today)

    @staticmethod
    def review_due_soon_q(today: date) -> Q:
        return Q(next_review_due__gte=today, next_review_due__lte=today + DUE_SOON)

    def published(self) -> ArticleQuerySet:
        return self.filter(self.published_q(timezone.now()))

    def expired(self) -> ArticleQuerySet:
        """Still marked published, but past the moment an editor chose to unpublish it."""
        return self.filter(status=Article.Status.PUBLISHED, expires_at__lte=timezone.now())

    def drafts(self) -> ArticleQuerySet:
        return self.filter(status=Article.Status.DRAFT)

    @staticmethod
    def changed_q(**copy) -> Q:
        """Answers with a working copy (one matching ``copy``), found from the copies' own rows:
        a join to the copy made SQLite read the whole table once per answer (its statistics
        count every answer's empty ``working_copy_of`` as the same value)."""
        copies = Article.all_rows.filter(working_copy_of__isnull=False, **copy)
        return Q(pk__in=copies.values("working_copy_of"))

    def with_unpublished_changes(self) -> ArticleQuerySet:
        """Live answers with a working copy: a draft of changes readers do not see yet."""
        return self.filter(self.changed_q())

    def scheduled(self) -> ArticleQuerySet:
        return self.filter(self.scheduled_q(timezone.now()))

    def rankable(self) -> ArticleQuerySet:
        """Published now or scheduled: ranked and indexed ahead of time, shown once live."""
        return self.filter(status=Article.Status.PUBLISHED)

    def working_copies_due(self) -> ArticleQuerySet:
        """Working copies whose scheduled moment to go live has come (call on ``all_rows``)."""
        return self.filter(working_copy_of__isnull=False, changes_go_live_at__lte=timezone.now())

    @staticmethod
    def in_review_state_q(state: str, **fields) -> Q:
        """Answers whose text under review is in ``state`` (and has ``fields``): a live
        answer's working copy when it has one (its changes are what is reviewed), else the
        answer's own row. Two id subqueries, each read from an index: an OR across a join to
        the copies would read every answer."""
        changed = ArticleQuerySet.changed_q
        own = Article.all_rows.filter(review_state=state, **fields).exclude(changed())
        return Q(pk__in=own.values("pk")) | changed(review_state=state, **fields)

    def in_review_state(self, state: str) -> ArticleQuerySet:
        return self.filter(self.in_review_state_q(state))

    def approved_to_publish(self) -> ArticleQuerySet:
        """Approved texts readers do not have yet: drafts, and live answers' changes (a
        working copy is always a draft)."""
        return self.filter(self.in_review_state_q("approved", status=Article.Status.DRAFT))

    def awaiting_review(self) -> ArticleQuerySet:
        return self.in_review_state("in_review")

    def review_overdue(self) -> ArticleQuerySet:
        return self.filter(self.review_overdue_q(timezone.localdate()))

    def review_due_soon(self) -> ArticleQuerySet:
        return self.filter(self.review_due_soon_q(timezone.localdate()))

    def never_reviewed(self) -> ArticleQuerySet:
        return self.filter(reviewed_on__isnull=True)

    def with_feedback_counts(self) -> ArticleQuerySet:
        """Readers' "Was this answer helpful?" answers, yes and no, counted in the same query.
        A subquery per row rather than a GROUP BY: the admin's list counts and pages through
        ids without these, and fetches them for the hundred rows it shows."""
        feedback = self.model._meta.get_field("feedback").related_model

        def counted(helpful: bool) -> Coalesce:
            answers = feedback.objects.filter(article=OuterRef("pk"), helpful=helpful)
            return Coalesce(
                Subquery(answers.values("article").annotate(n=Count("pk")).values("n")), 0
            )

        return self.annotate(helpful_count=counted(True), unhelpful_count=counted(False))

    def editorial_counts(self) -> dict[str, int]:
        """The admin dashboard's numbers, from the same definitions as above, in one pass over
        ``article_editorial_idx``: it holds every column they read, so no row is opened."""
        now, today = timezone.now(), timezone.localdate()
        live = self.published_q(now)
        subsets = {
            "drafts": Q(status=Article.Status.DRAFT),
            "scheduled": self.scheduled_q(now),
            "live": live,
            "review_overdue": live & self.review_overdue_q(today),
            "review_due_soon": live & self.review_due_soon_q(today),
            "never_reviewed": live & Q(reviewed_on__isnull=True),
        }
        return self.aggregate(**{name: Count("pk", filter=q) for name, q in subsets.items()})

    def for_listing(self) -> ArticleQuerySet:
        """Everything an article card shows, in one query."""
        return self.select_related("doctor__department")

    def for_page(self) -> ArticleQuerySet:
        """Everything the article page shows besides Other Voices, in three queries; whether
        the reviewing doctor has a page readers can open (a live answer of their own)."""
        return (
            self.for_listing()
            .select_related("reviewed_by__department")
            .prefetch_related("tags", "references")
            .annotate(
                reviewer_listed=Exists(
                    Article.objects.published().filter(doctor=OuterRef("reviewed_by"))
                )
            )
        )


# Answers, as opposed to working copies: what ``Article.objects`` holds.
ANSWERS = Q(working_copy_of__isnull=True)


class ArticleManager(models.Manager.from_queryset(ArticleQuerySet)):
    """Every article an editor or reader means by "an article": never a working copy."""

    def get_queryset(self) -> ArticleQuerySet:
        return super().get_queryset().filter(ANSWERS)


# Line breaks and other control characters (C0, DEL, C1, Unicode's line and paragraph
# separators): a title is one line of text, in the page's <title> and in every e-mail subject.
NOT_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def check_title(title: str) -> None:
    if NOT_ONE_LINE.search(title):
        raise ValidationError(
            "A title is one line of text: remove the line break, tab or other control "
            "character in it.",
            code="not_one_line",
        )


@reversion.register(follow=["tagged_items", "picks", "exclusions", "references"])
class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class State(models.TextChoices):
        """What readers get, which ``status`` alone does not say."""

        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        LIVE = "live", "Live"

    class Review(models.TextChoices):
        """Where the text stands in the doctors' review (``editorial.workflow`` moves it)."""

        WRITING = "writing", "Being written"
        IN_REVIEW = "in_review", "In review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"

    title = models.CharField(max_length=255)
    # Unique among articles (see Meta); a working copy carries its live answer's slug.
    slug = models.SlugField(max_length=255, allow_unicode=True)
    doctor = models.ForeignKey(Doctor, on_delete=models.PROTECT, related_name="articles")
    summary = models.TextField(
        blank=True, help_text="One or two sentences for lists and search engines."
    )
    body = models.TextField(
        help_text=(
            "Markdown: paragraphs separated by a blank line, ## for a heading, - or 1. for a "
            "list, *emphasis*, **strong**, [link text](https://…). HTML is shown as typed."
        )
    )
    body_html = models.TextField(
        blank=True, editable=False, help_text="The body rendered from Markdown and sanitized."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Readers see a published article from this moment on.",
    )
    expires_at = models.DateTimeField(
        "unpublish at",
        null=True,
        blank=True,
        help_text="Readers no longer see the answer from this moment on.",
    )
    updated_at = models.DateField(
        "updated on", null=True, blank=True, help_text='Shown to readers as "Updated on …".'
    )
    urgent_care = models.TextField(
        "seek urgent care if…",
        max_length=600,
        blank=True,
        db_default="",  # rows written past the ORM (seed_demo's bulk insert) get none
        help_text=(
            "Optional. Shown to readers in a highlighted box above the answer, e.g. "
            "“you vomit blood or pass black stools, or your skin turns yellow suddenly”."
        ),
    )
    audio = models.FileField(
        upload_to="audio/",
        blank=True,
        help_text="MP3, M4A, OGG or WAV. Its length is read from the file.",
    )
    audio_duration = models.DurationField(
        null=True, blank=True, help_text="Length of the audio answer, read from the file."
    )
    reviewed_by = models.ForeignKey(
        Doctor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
        help_text="The doctor who checked this answer; may differ from the author.",
    )
    reviewed_on = models.DateField("reviewed on", null=True, blank=True)
    next_review_due = models.DateField(
        "next review due",
        null=True,
        blank=True,
        help_text="Leave empty for the usual interval after the review.",
    )
    tags = TaggableManager("tags", through="TaggedArticle", blank=True)
    related = models.ManyToManyField(
        "self",
        through="RelatedPick",
        through_fields=("article", "related"),
        symmetrical=False,
        related_name="picked_by",
        blank=True,
        help_text="The editor's related articles, shown first in Other Voices.",
    )

    # A hidden draft of changes to a live answer, edited in the admin while readers keep the
    # live row; ``articles.editorial.working_copies`` makes it, publishes it and discards it.
    working_copy_of = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="working_copy",
        editable=False,
    )
    # On a working copy the state is the copy's: the changes are what gets reviewed.
    review_state = models.CharField(
        "medical review",
        max_length=20,
        choices=Review.choices,
        default=Review.WRITING,
        db_default=Review.WRITING,  # rows written past the ORM (seed_demo's bulk insert)
        editable=False,
    )
    changes_go_live_at = models.DateTimeField(
        "changes go live at",
        null=True,
        blank=True,
        editable=False,
        help_text="On a working copy: when publish_scheduled makes it live.",
    )

    objects = ArticleManager()
    all_rows = ArticleQuerySet.as_manager()  # working copies included

    class Meta:
        base_manager_name = "all_rows"
        ordering = ["-published_at", "pk"]
        permissions = [
            ("publish_article", "Can publish articles"),
            ("review_article", "Can review answers medically"),
        ]
        indexes = [
            # Covers published() ordered by (-published_at, pk), so deep pages need no sort.
            models.Index(fields=["status", "-published_at", "id"], name="article_listing_idx"),
            # The media view asks, for every file, which article uses it.
            models.Index(fields=["audio"], name="article_audio_idx"),
            # The admin's list: each order its columns sort by, and its filters, ids read from
            # the index alone (the list counts and skips through ids, then fetches one page).
            # Partial: every list asks for answers, never working copies.
            *(
                models.Index(fields=fields, name=name, condition=ANSWERS)
                for name, fields in [
                    # With the review dates, so the review filters walk it without rows.
                    (
                        "article_admin_published_idx",
                        ["-published_at", "id", "next_review_due", "reviewed_on"],
                    ),
                    # published(), to the expiry: counted and paged without reading a row.
                    ("article_admin_state_idx", ["status", "-published_at", "id", "expires_at"]),
                    ("article_admin_title_idx", ["title", "-id"]),
                    ("article_admin_review_due_idx", ["next_review_due", "-id"]),
                    # A click on "next review" keeps the list's own order as the tiebreak
                    # (?o=4.-2), both ways: most answers share one date (none), so the
                    # tiebreak decides which hundred come first.
                    (
                        "article_admin_review_sort_idx",
                        ["next_review_due", "-published_at", "-id"],
                    ),
                    (
                        "article_admin_review_desc_idx",
                        ["-next_review_due", "-published_at", "-id"],
                    ),
                    ("article_admin_doctor_idx", ["doctor", "-published_at", "id"]),
                ]
            ),
            # Review overdue or due soon: dates only, so a site where most answers have none
            # does not look to SQLite's planner as if every answer were due.
            models.Index(
                fields=["next_review_due"],
                name="article_admin_due_idx",
                condition=ANSWERS & Q(next_review_due__isnull=False),
            ),
            # The medical review filters ask it of answers and of working copies alike.
            models.Index(
                fields=["review_state", "working_copy_of"], name="article_admin_review_state_idx"
            ),
            # "Never reviewed" counted from the index alone (SQLite's planner reads every
            # row rather than look up each one from a partial index on the date alone).
            models.Index(
                fields=["reviewed_on", "working_copy_of"], name="article_admin_reviewed_idx"
            ),
            # Every column the dashboard's counts read, so they are one range of this index
            # (answers: no working copy) with no row opened; reviews due are a range of it too,
            # in order. A partial index would not do: SQLite reads the row to check its WHERE.
            models.Index(
                fields=[
                    "working_copy_of",
                    "status",
                    "next_review_due",
                    "published_at",
                    "expires_at",
                    "reviewed_on",
                    "review_state",
                    "doctor",
                    "id",
                ],
                name="article_editorial_idx",
            ),
            # A doctor's answers, counted without opening a row (doctor and department lists).
            models.Index(fields=["working_copy_of", "doctor"], name="article_doctor_answers_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(working_copy_of__isnull=True),
                name="article_slug_unique",
                violation_error_message="Another answer already has this web address (slug).",
            ),
            models.CheckConstraint(
                condition=Q(working_copy_of__isnull=True) | Q(status="draft"),
                name="article_working_copy_is_draft",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published"]), name="article_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_date",
            ),
            models.CheckConstraint(
                condition=Q(reviewed_by__isnull=True, reviewed_on__isnull=True)
                | Q(reviewed_by__isnull=False, reviewed_on__isnull=False),
                name="article_review_names_doctor_and_date",
                violation_error_message="A review needs both the reviewing doctor and its date.",
            ),
            models.CheckConstraint(
                condition=Q(next_review_due__isnull=True)
                | Q(reviewed_on__isnull=True)
                | Q(next_review_due__gt=F("reviewed_on")),
                name="article_next_review_after_review",
                violation_error_message="The next review must fall after the last one.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        """Derived data only: the slug when left empty, the rendered body, the address book.
        Editorial rules (publishing, review dates) live in ``articles.editorial.rules``."""
        if not self.slug:
            # A working copy may share only its own live answer's address.
            owner = self.working_copy_of if self.working_copy_of_id else self
            self.slug = unique_slug(owner, self.title, fallback="article")
        self.derive_body()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html"}
        # One transaction: an address is remembered only if the slug change is saved.
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            # A working copy's slug is a proposal: the live answer's addresses stay its own.
            if self.working_copy_of_id is None and (
                update_fields is None or "slug" in update_fields
            ):
                self._remember_slugs()

    def get_absolute_url(self) -> str:
        # A working copy is previewed at its live answer's address, whatever slug it proposes.
        # Read without loading a deferred field: rows fetched with only() (the sitemap's) come
        # from Article.objects, which holds no copies.
        if self.__dict__.get("working_copy_of_id"):
            return self.working_copy_of.get_absolute_url()
        return reverse("articles:article_detail", args=[self.slug])

    def clean(self) -> None:
        """The admin form and the importer both validate here: a title that is not one line,
        and a body too long or too deeply nested, are refused before anything renders or saves
        them."""
        errors = {}
        for name, check in (("title", check_title), ("body", check_body)):
            try:
                check(getattr(self, name))
            except ValidationError as exc:
                errors[name] = exc.error_list
        if errors:
            raise ValidationError(errors)

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    natural_key.dependencies = ["articles.doctor"]

    def derive_body(self) -> None:
        """The HTML readers get, always rendered here from the Markdown: never trusted as
        stored (a fixture's ``body_html`` may hold anything)."""
        self.body_html = render_markdown(self.body)

    @classmethod
    def from_db(cls, db, field_names, values) -> Article:
        article = super().from_db(db, field_names, values)
        # The slug as loaded, so that save() can keep the old address working.
        article._loaded_slug = article.__dict__.get("slug")
        return article

    def _remember_slugs(self) -> None:
        """Record every slug this article has had, so its old addresses can redirect.

        The current slug is recorded too: a restore from history (which writes rows raw, past
        save()) can then bring back an earlier slug and the one it replaces still redirects.
        """
        addresses = self._meta.get_field("slugs").related_model.objects
        loaded = getattr(self, "_loaded_slug", None)
        for slug in dict.fromkeys(s for s in (loaded, self.slug) if s):
            addresses.update_or_create(slug=slug, defaults={"article": self})
        self._loaded_slug = self.slug

    @property
    def state(self) -> Article.State:
        now = timezone.now()
        if self.status != self.Status.PUBLISHED or (self.expires_at and self.expires_at <= now):
            return self.State.DRAFT
        if self.published_at and self.published_at > now:
            return self.State.SCHEDULED
        return self.State.LIVE

    @property
    def is_working_copy(self) -> bool:
        return self.working_copy_of_id is not None

    @property
    def is_live(self) -> bool:
        return self.state == self.State.LIVE

    @property
    def published_on(self) -> date | None:
        """The day readers see as the publication date; a draft has none."""
        if self.status != self.Status.PUBLISHED or self.published_at is None:
            return None
        return timezone.localdate(self.published_at)

    @property
    def updated_on(self) -> date | None:
        """ "Updated on", for a change on or after the publication day. The same day is the
        source page's own wording ("Updated on December 21, 2024"), shown alone; a date before
        the publication says nothing the publication date does not."""
        published = self.published_on
        if published and self.updated_at and self.updated_at >= published:
            return self.updated_at
        return None

    @property
    def review_is_overdue(self) -> bool:
        return self.next_review_due is not None and self.next_review_due < timezone.localdate()

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.replace("\r\n", "\n").split("\n\n") if p.strip()]

    @property
    def plain_text(self) -> str:
        """The body as readers read it: rendered, without tags or Markdown marks. The one
        definition, for excerpts and search snippets alike."""
        return unescape(strip_tags(self.body_html)) if self.body_html else self.body

    @property
    def reading_minutes(self) -> int:
        """Minutes to read the answer: 200 words, or 400 Chinese characters, a minute."""
        words = characters = 0
        for token in text.TOKEN.findall(self.plain_text):
            if text.is_cjk(token):
                characters += len(token)
            else:
                words += 1
        return max(1, round(words / 200 + characters / 400))

    @property
    def excerpt(self) -> str:
        """The summary, or the start of the text as readers see it."""
        return self.summary or Truncator(self.plain_text).words(30)


@receiver(pre_save, sender=Article)
def _derive_on_raw_load(sender, instance: Article, raw: bool = False, **kwargs) -> None:
    """loaddata writes rows past save(); the title and body are checked (as ``clean`` checks
    them) and the body rendered all the same, and a fixture's bad row stops the load (one
    transaction) with the article named."""
    if raw:
        for check, value in ((check_title, instance.title), (check_body, instance.body)):
            try:
                check(value)
            except ValidationError as exc:
                raise ValidationError(f"Article {instance.slug!r}: {exc.messages[0]}") from None
        instance.derive_body()


class TaggedArticleManager(models.Manager):
    def get_by_natural_key(self, article_slug: str, tag_name: str) -> TaggedArticle:
        return self.get(content_object__slug=article_slug, tag__name=tag_name)


@reversion.register()
class TaggedArticle(TaggedItemBase):
    """Tags through a real foreign key, so joins are cheap and fixtures survive a round trip."""

    content_object = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="tagged_items"
    )
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_articles")

    objects = TaggedArticleManager()

    class Meta:
        verbose_name = "tagged article"
        verbose_name_plural = "tags"  # as editors see them, e.g. in the history's compare view
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="tagged_article_unique")
        ]
        # A tag's answers without opening a row: the tag list counts them per tag.
        indexes = [models.Index(fields=["tag", "content_object"], name="tagged_article_tag_idx")]

    def __str__(self) -> str:
        return f"{self.content_object} – {self.tag}"

    def natural_key(self) -> tuple[str, str]:
        return (self.content_object.slug, self.tag.name)

    natural_key.dependencies = ["articles.article", "taggit.tag"]


# Versions under the proxy's own content type. reversion's default (for_concrete_model=True)
# files them under taggit's Tag, which then has to be registered too, or saving a tag in the
# admin is a RegistrationError. Registering Tag would be worse: every tag an article save
# creates would join that article's revision, and restoring the article would undo later
# renames of the tag, on every article that carries it.
@reversion.register(for_concrete_model=False)
class Topic(Tag):
    """taggit's tag, shown in the admin's Content section beside the articles it labels."""

    class Meta:
        proxy = True
        verbose_name = "tag"
        ordering = ["name"]
