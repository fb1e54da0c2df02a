"""Admin forms: they check uploads and review dates, so bad input is a form error, never a 500."""

from django import forms
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from taggit.forms import TagWidget

from ..models import Article, Doctor, Topic
from ..richtext import MAX_BODY_CHARACTERS, MAX_NESTING
from ..slugs import slug_for, unique_slug
from ..tags import has_address
from . import rules, workflow
from .media import audio_duration, process_photo

AUDIO_ACCEPT = "audio/mpeg,audio/mp4,audio/x-m4a,audio/ogg,audio/wav,.mp3,.m4a,.ogg,.wav"
PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"


class MarkdownWidget(forms.Textarea):
    """The body's textarea beside a live preview rendered by the same code readers get."""

    template_name = "articles/widgets/markdown.html"

    class Media:
        js = ["js/markdown-preview.js"]


class FileUploadWidget(forms.ClearableFileInput):
    """Django's file input with "Currently … Clear" and "Change" on lines of their own: bare,
    they are laid out side by side in the admin's flex row."""

    template_name = "articles/widgets/file_upload.html"


class DuplicateCheckWidget(forms.TextInput):
    """The title's input, with the answers it reads like listed under it as the editor types."""

    template_name = "articles/widgets/duplicate_check.html"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs)
        self.exclude: int | None = None  # the article being edited is not its own duplicate
        self.check_now = False  # a form shown again with errors: check the title at once

    class Media:
        js = ["js/duplicate-check.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"] |= {"exclude": self.exclude, "check_now": self.check_now}
        return context


class TagAutocompleteWidget(TagWidget):
    """taggit's comma-separated input, with suggestions from the existing tags."""

    template_name = "articles/widgets/tag_autocomplete.html"

    class Media:
        js = ["js/tag-autocomplete.js"]


class DerivedFieldsForm(forms.ModelForm):
    """A form whose checks also read values off an upload (an audio length, an avatar made
    from a photo). Checks record them in ``derived``; they reach the row only when it is
    built for saving, never while the form is still being validated."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.derived: dict[str, object] = {}

    def save(self, commit: bool = True):
        row = super().save(commit=False)
        for name, value in self.derived.items():
            setattr(row, name, value)
        if commit:
            row.save()
            self._save_m2m()
        return row


# The buttons of the article form (templates/admin/articles/article/submit_line.html), by the
# name each posts. Those that change what readers see need the publish_article permission.
PUBLISHING_BUTTONS = {"_publish", "_schedule", "_unpublish", "_schedule_unpublish"}
SCHEDULING_BUTTONS = {"_schedule", "_schedule_unpublish"}


def pressed(data) -> str:
    """Which of the article form's buttons posted ``data``: "_save" unless another."""
    return next((name for name in sorted(PUBLISHING_BUTTONS) if name in data), "_save")


class ReviewedRowsFormSet(forms.BaseInlineFormSet):
    """An inline of rows a reviewer signs with the text (``workflow.REVIEWED_ROWS``). The admin
    builds it on the article form's instance before it validates that form, so it notes there
    whether this post changes its rows: the form's check of what publishing needs reads it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound and self.has_changed():
            self.instance.rows_edited = {*getattr(self.instance, "rows_edited", ()), self.prefix}


# The form's fields that are no column of the answer.
NOT_COLUMNS = {"when", "publish_reason", "not_clinical"}


class ArticleAdminForm(DerivedFieldsForm):
    # Not a column: the moment a "Schedule…" button takes, shown beside those buttons.
    when = forms.DateTimeField(
        label="when",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )
    # Not columns either: what the review workflow asks beside the buttons.
    publish_reason = forms.CharField(
        label="why publish without medical approval?",
        required=False,
        max_length=workflow.MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
    )
    not_clinical = forms.BooleanField(
        label="not a clinical change (a typo, formatting): keep the approval",
        required=False,
    )

    @cached_property
    def changed_data(self) -> list[str]:
        # A moment typed for a button, and the review's reason and mark, change nothing in the
        # answer, nor its history's words (the workflow adds its own: "Published without…").
        return [name for name in super().changed_data if name not in NOT_COLUMNS]

    class Meta:
        model = Article
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose and order them)
        widgets = {
            "title": DuplicateCheckWidget(attrs={"class": "vTextField"}),
            "body": MarkdownWidget(attrs={"rows": 18}),
            "tags": TagAutocompleteWidget(attrs={"autocomplete": "off"}),
            "audio": FileUploadWidget(attrs={"accept": AUDIO_ACCEPT}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "body" in self.fields:
            self.fields["body"].help_text += (
                f" At most {MAX_BODY_CHARACTERS:,} characters, and lists or quotes at most "
                f"{MAX_NESTING} levels deep."
            )
        if "title" in self.fields:
            self.fields["title"].widget.exclude = (
                self.instance.working_copy_of_id or self.instance.pk
            )
            self.fields["title"].widget.check_now = self.is_bound
        if "slug" in self.fields:
            # Made from the title on save (unique, Unicode-friendly) when left empty.
            self.fields["slug"].required = False
            self.fields["slug"].help_text = (
                "The web address, /articles/this-slug/. Leave it as the title makes it, or "
                "empty: if another answer has that address, a number is added (…-2). "
                "Changing it later keeps the old address working: it redirects here."
            )
        # The answer whose address the title's slug would have been, when this one got
        # a number instead; the admin tells the editor after the save.
        self.slug_taken_by: Article | None = None
        # Whether a publishing button puts out a text no reviewer approved (so its reason is
        # recorded); decided in clean(), before the save changes the text.
        self.unapproved = False

    def clean_slug(self):
        """A slug the editor typed that another answer has is an error naming that answer;
        the one the title gives (as the form fills it in) or none is made unique, since the
        editor never chose it: never "Article with this Slug already exists." for it."""
        slug = self.cleaned_data.get("slug", "")
        title = self.cleaned_data.get("title")
        # A working copy may keep (or be given) its own live answer's address.
        owner = self.instance.working_copy_of or self.instance
        others = Article.objects.exclude(pk__in={owner.pk, self.instance.pk} - {None})
        taken = others.filter(slug=slug).first() if slug else None
        if not title:
            if taken:
                raise forms.ValidationError(self._taken_message(taken))
            return slug
        wanted = slug_for(Article, title, fallback="article")
        if slug and slug != wanted:
            if taken:
                raise forms.ValidationError(self._taken_message(taken))
            return slug
        unique = unique_slug(owner, title, fallback="article")
        if unique != wanted:
            self.slug_taken_by = others.filter(slug=wanted).first()
        return unique

    @staticmethod
    def _taken_message(taken: Article) -> str:
        return format_html(
            "The address /articles/{}/ is already used by “<a href='{}'>{}</a>”. Choose "
            "another, or empty this field to make one from the title.",
            taken.slug,
            reverse("admin:articles_article_change", args=[taken.pk]),
            taken.title,
        )

    def _keeps_published(self) -> bool:
        """Whether the save leaves the answer published (so the database needs its date):
        the publish and schedule buttons of a draft or scheduled answer give one themselves,
        a working copy's publish or schedule applies the copy's own."""
        button = pressed(self.data)
        copy_of = self.instance.working_copy_of if self.instance.working_copy_of_id else None
        if copy_of is not None:
            return copy_of.status == Article.Status.PUBLISHED and button != "_unpublish"
        return self.instance.status == Article.Status.PUBLISHED and button in {
            "_save",
            "_schedule_unpublish",
        }

    def clean_when(self):
        when = self.cleaned_data.get("when")
        if pressed(self.data) not in SCHEDULING_BUTTONS:
            return None
        if when is None:
            raise forms.ValidationError("Choose the date and time first.")
        if when <= timezone.now():
            raise forms.ValidationError("Choose a moment still to come.")
        return when

    def clean_tags(self):
        tags = self.cleaned_data["tags"]
        if blank := [name for name in tags if not has_address(name)]:
            raise forms.ValidationError(
                f"“{blank[0]}” has no letter or digit to name the topic's page after; "
                "use words, e.g. “liver cancer”."
            )
        return tags

    def clean_audio(self):
        audio = self.cleaned_data.get("audio")
        if audio and "audio" in self.changed_data:
            # A new upload: its length comes from the file, never from the keyboard.
            self.derived["audio_duration"] = audio_duration(audio)
        elif audio is False:  # "Clear" was ticked
            self.derived["audio_duration"] = None
        return audio

    def clean(self):
        cleaned = super().clean()
        dated = "published_at" not in self.fields or cleaned.get("published_at") is not None
        if not dated and self._keeps_published():
            self.add_error(
                "published_at",
                "A published or scheduled answer needs its date of publication; "
                "“Back to draft” unpublishes it.",
            )
        # The last review is read-only (an approval sets it); the next one is the editor's to
        # move, after the last, and cleared by hand it is the usual interval, never nothing.
        reviewed_on = self.instance.reviewed_on
        if reviewed_on and "next_review_due" in self.fields and "next_review_due" in cleaned:
            due = cleaned["next_review_due"]
            if due is not None and due <= reviewed_on:
                self.add_error(
                    "next_review_due",
                    f"The next review must fall after the last one ({date_format(reviewed_on)}).",
                )
            else:
                cleaned["next_review_due"] = rules.review_due(reviewed_on, due)
        if cleaned.get("not_clinical") and not workflow.approval_stands(self.instance):
            self.add_error(
                "not_clinical",
                "There is no approval to keep: no medical reviewer approved this text as it "
                "stands. Untick the box; your change sends it to review.",
            )
        if pressed(self.data) in workflow.PUBLISHING:
            edited = workflow.text_edited(
                [*self.changed_data, *getattr(self.instance, "rows_edited", ())]
            )
            stands = workflow.approval_stands(self.instance, edited, cleaned.get("not_clinical"))
            self.unapproved = not stands
            if self.unapproved and not cleaned.get("publish_reason"):
                self.add_error(
                    "publish_reason",
                    "No medical reviewer has approved this text: say why it is published anyway "
                    "(the reason is kept in its history), or submit it for review.",
                )
        return cleaned


class DoctorAdminForm(DerivedFieldsForm):
    class Meta:
        model = Doctor
        fields = "__all__"  # noqa: DJ007 (the admin's fields choose and order them)
        # A plain file field: process_photo reads the image, checking its pixel count before
        # decoding it, with a clear message for each failure. ImageField would open it first
        # and call a 60-megapixel photo "not a valid image".
        field_classes = {"photo": forms.FileField}
        widgets = {"photo": FileUploadWidget(attrs={"accept": PHOTO_ACCEPT})}

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and "photo" in self.changed_data:
            processed = process_photo(photo)
            self.derived["avatar"] = processed.avatar  # never uploaded on its own
            return processed.photo
        if photo is False:  # "Clear" was ticked
            self.derived["avatar"] = None
        return photo


def check_tag_name(name: str, *, besides) -> str:
    """A tag's name as typed in the tag admin or a merge: something to make its page's address
    from, and no other tag's name in other capitals (taggit would treat the two as one)."""
    name = name.strip()
    if not has_address(name):
        raise forms.ValidationError(
            "A tag needs a letter or digit to name its page after; use words."
        )
    twin = Topic.objects.filter(name__iexact=name).exclude(pk__in=besides).first()
    if twin:
        raise forms.ValidationError(
            f"The tag “{twin.name}” already exists; tags ignore capitals. "
            "Use it, or merge the two from the tag list."
        )
    return name


class TopicAdminForm(forms.ModelForm):
    class Meta:
        model = Topic
        fields = ["name", "slug"]

    def clean_name(self):
        return check_tag_name(self.cleaned_data["name"], besides=[self.instance.pk])

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        taken = Topic.objects.filter(slug=slug).exclude(pk=self.instance.pk).first()
        if taken and "name" not in self.errors:
            raise forms.ValidationError(
                f"The address /tags/{slug}/ belongs to the tag “{taken.name}”; choose another."
            )
        return slug

    def validate_unique(self):
        """One message per problem: a name that clashes already names the other tag, and
        the slug made from it clashes with that tag's for the same reason."""
        if "name" not in self.errors:
            super().validate_unique()


class TagMergeForm(forms.Form):
    """The merge's confirmation: which of the selected tags to keep, and optionally a new name
    for it (the others' names become free, so it may be one of theirs in other capitals)."""

    merge_into = forms.TypedChoiceField(
        label="Keep which tag?", coerce=int, widget=forms.RadioSelect(attrs={"class": "radiolist"})
    )
    new_name = forms.CharField(
        label="Rename the kept tag to",
        required=False,
        max_length=Topic._meta.get_field("name").max_length,
        help_text="Optional. Leave empty to keep its name.",
    )

    def __init__(self, *args, tags: list[Topic], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.tags = tags
        self.fields["merge_into"].choices = [
            (t.pk, f"{t.name} ({t.article_count} answer{pluralize(t.article_count)})") for t in tags
        ]
        self.fields["merge_into"].initial = tags[0].pk

    def clean_new_name(self):
        name = self.cleaned_data["new_name"].strip()
        return check_tag_name(name, besides=[t.pk for t in self.tags]) if name else ""

    @property
    def target(self) -> Topic:
        return next(t for t in self.tags if t.pk == self.cleaned_data["merge_into"])
