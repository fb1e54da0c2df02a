"""The error summary at the top of every admin change form: one entry per field in error,
linking to the field, so an error at the bottom of a long form is found from the top."""

from dataclasses import dataclass

from django import template
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms import BaseForm
from django.utils.text import capfirst

register = template.Library()


@dataclass
class FormError:
    label: str
    message: str
    target: str  # the id the link jumps to; empty for an error of the whole form


def _errors(form: BaseForm, where: str = "", row: str = "") -> list[FormError]:
    found = []
    for name, messages in form.errors.items():
        message = " ".join(messages)
        if name == NON_FIELD_ERRORS:
            found.append(FormError(where or "This form", message, row))
            continue
        field = form[name]
        label = capfirst(field.label)
        found.append(
            FormError(f"{where}: {label}" if where else label, message, field.id_for_label)
        )
    return found


@register.inclusion_tag("admin/includes/error_summary.html")
def error_summary(adminform, inline_admin_formsets) -> dict[str, list[FormError]]:
    errors = _errors(adminform.form)
    for inline in inline_admin_formsets:
        formset = inline.formset
        name = capfirst(inline.opts.verbose_name_plural)
        if formset.non_form_errors():
            message = " ".join(formset.non_form_errors())
            errors.append(FormError(name, message, f"{formset.prefix}-group"))
        for index, form in enumerate(formset.forms):
            errors += _errors(form, f"{name}, row {index + 1}", f"{formset.prefix}-{index}")
    return {"errors": errors}
