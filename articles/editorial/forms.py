"""Admin forms: they check uploads and review dates, so bad input is a form error, never a 500."""

from django import forms
from django.utils import timezone
from taggit.forms import TagWidget

from ..models import Article, Doctor, Topic
from ..richtext import MAX_BODY_CHARACTERS, MAX_NESTING
from ..tags import has_address
from . import rules
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


class ArticleAdminForm(DerivedFieldsForm):
    class Meta:
        model = Article
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose and order them)
        widgets = {
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
        if "slug" in self.fields:
            # Made from the title on save (unique, Unicode-friendly) when left empty.
            self.fields["slug"].required = False
            self.fields["slug"].help_text = (
                "The web address, /articles/this-slug/. Leave empty to make one from the "
                "title. Changing it later keeps the old address working: it redirects here."
            )

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

    def clean_reviewed_on(self):
        reviewed_on = self.cleaned_data.get("reviewed_on")
        if reviewed_on and reviewed_on > timezone.localdate():
            raise forms.ValidationError("A review cannot be dated in the future.")
        return reviewed_on

    def clean(self):
        cleaned = super().clean()
        if "status" in cleaned:
            cleaned["published_at"] = rules.publication_time(
                cleaned["status"], cleaned.get("published_at")
            )
        reviewed_on = cleaned.get("reviewed_on")
        if cleaned.get("reviewed_by") and not reviewed_on and "reviewed_on" not in self.errors:
            self.add_error("reviewed_on", "When did this doctor review the answer?")
        if reviewed_on and not cleaned.get("reviewed_by"):
            self.add_error("reviewed_by", "Which doctor reviewed the answer?")
        if reviewed_on:
            # A new review date restarts the cycle unless the next date was set by hand too;
            # a next date cleared by hand is the usual interval again, never nothing.
            restarted = (
                "reviewed_on" in self.changed_data and "next_review_due" not in self.changed_data
            )
            chosen = None if restarted else cleaned.get("next_review_due")
            cleaned["next_review_due"] = rules.review_due(reviewed_on, chosen)
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


class TopicAdminForm(forms.ModelForm):
    class Meta:
        model = Topic
        fields = ["name", "slug"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not has_address(name):
            raise forms.ValidationError(
                "A tag needs a letter or digit to name its page after; use words."
            )
        twin = Topic.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).first()
        if twin:
            raise forms.ValidationError(
                f"The tag “{twin.name}” already exists; tags ignore capitals. "
                "Use it, or merge the two from the tag list."
            )
        return name
