"""The one slug rule: readable, Unicode-friendly (刘武才 stays 刘武才, not an empty string),
cut to the model's slug length, and unique when asked."""

from django.db import models
from django.utils.text import slugify


def slug_for(model: type[models.Model], text: str, fallback: str) -> str:
    """The slug ``text`` gives for a row of ``model``."""
    max_length = model._meta.get_field("slug").max_length
    return slugify(text, allow_unicode=True)[:max_length].strip("-") or fallback


def unique_slug(instance: models.Model, text: str, fallback: str) -> str:
    """A slug for ``instance`` made from ``text`` that no other row of its model uses."""
    max_length = instance._meta.get_field("slug").max_length
    base = slug_for(type(instance), text, fallback)
    others = type(instance)._default_manager.exclude(pk=instance.pk)
    slug, n = base, 1
    while others.filter(slug=slug).exists():
        n += 1
        suffix = f"-{n}"
        slug = base[: max_length - len(suffix)] + suffix
    return slug
