"""Readable, unique, Unicode-friendly slugs (刘武才 stays 刘武才, not an empty string)."""

from django.db import models
from django.utils.text import slugify


def unique_slug(instance: models.Model, text: str, fallback: str) -> str:
    """A slug for ``instance`` made from ``text`` that no other row of its model uses."""
    max_length = instance._meta.get_field("slug").max_length
    base = slugify(text, allow_unicode=True)[:max_length].strip("-") or fallback
    others = type(instance)._default_manager.exclude(pk=instance.pk)
    slug, n = base, 1
    while others.filter(slug=slug).exists():
        n += 1
        suffix = f"-{n}"
        slug = base[: max_length - len(suffix)] + suffix
    return slug
