"""Long admin forms in sections: the ones most rows leave empty start folded (Django's
``<details>``), so the form is as short as what it holds. Django itself never folds a section
that holds an error."""

from django.contrib.admin.helpers import InlineAdminFormSet
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.admin.utils import flatten
from django.forms import BaseForm
from django.http import HttpRequest
from django.template.response import TemplateResponse


def _holds_values(form: BaseForm, fields) -> bool:
    """Whether any of the fields has a value, as saved or as just typed; a read-only one (no
    field of the form) as saved."""
    return any(
        (form[name].value() if name in form.fields else getattr(form.instance, name, None))
        not in (None, "", [], False)
        for name in fields
    )


def _holds_rows(inline: InlineAdminFormSet) -> bool:
    formset = inline.formset
    return formset.initial_form_count() > 0 or any(
        form.is_bound and form.has_changed() for form in formset.forms
    )


class FoldedWhenEmptyMixin:
    """For a ModelAdmin: fieldsets named in ``folded_when_empty`` and inlines of the classes in
    ``inlines_folded_when_empty`` start collapsed while they hold nothing."""

    folded_when_empty: tuple[str, ...] = ()
    inlines_folded_when_empty: tuple[type[InlineModelAdmin], ...] = ()

    def render_change_form(
        self, request: HttpRequest, context, *args, **kwargs
    ) -> TemplateResponse:
        adminform = context["adminform"]
        adminform.fieldsets = [
            (name, self._folded(options))
            if name in self.folded_when_empty
            and not _holds_values(adminform.form, flatten(options["fields"]))
            else (name, options)
            for name, options in adminform.fieldsets
        ]
        for inline in context["inline_admin_formsets"]:
            if isinstance(inline.opts, self.inlines_folded_when_empty) and not _holds_rows(inline):
                inline.classes = f"{inline.classes} collapse".strip()
        return super().render_change_form(request, context, *args, **kwargs)

    @staticmethod
    def _folded(options: dict) -> dict:
        return options | {"classes": [*options.get("classes", ()), "collapse"]}
