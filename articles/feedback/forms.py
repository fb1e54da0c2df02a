from django import forms

from ..models import Article
from ..models.feedback import MAX_COMMENT
from . import guard


class FeedbackForm(forms.Form):
    """What the reader sends: which button, and perhaps a few words. ``website`` is the
    honeypot: hidden from people (and from screen readers), filled in by form-filling bots."""

    helpful = forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        error_messages={"required": "Choose “Yes” or “No”."},
    )
    comment = forms.CharField(
        required=False,
        max_length=MAX_COMMENT,
        error_messages={
            "max_length": f"Please keep your comment to {MAX_COMMENT} characters "
            "(it has %(show_value)d)."
        },
    )
    token = forms.CharField(required=False)
    website = forms.CharField(required=False)

    def __init__(self, data, article: Article) -> None:
        super().__init__(data)
        self.article = article

    def clean_token(self) -> str:
        if not guard.token_is_valid(self.cleaned_data["token"], self.article):
            raise forms.ValidationError(
                "This form has expired; please reload the page and send it again."
            )
        return self.cleaned_data["token"]
