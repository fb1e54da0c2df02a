"""What a delete confirmation lists: what editors made (the answer, its tags, references,
picks, addresses, readers' feedback), not the indexes derived from it, which go with it."""

from __future__ import annotations

from django.contrib.admin.utils import get_deleted_objects
from django.utils.text import capfirst

from ..models import ArticleTerm, IndexedArticle, RelatedArticle

DERIVED = (ArticleTerm, IndexedArticle, RelatedArticle)


def deleted_objects(objs, request, admin_site) -> tuple[list, dict, set, list]:
    """Django's ``get_deleted_objects``, without the rows of ``DERIVED``."""
    nested, counts, perms_needed, protected = get_deleted_objects(objs, request, admin_site)
    labels = {str(capfirst(model._meta.verbose_name)) for model in DERIVED}
    plurals = {str(model._meta.verbose_name_plural) for model in DERIVED}
    counts = {name: n for name, n in counts.items() if str(name) not in plurals}
    return _without(nested, labels), counts, perms_needed, protected


def _without(nested: list, labels: set[str]) -> list:
    """The nested list Django formats ("Label: object", then that object's own list), with
    every item whose label is in ``labels`` left out, and the items under it."""
    kept: list = []
    hidden = False
    for item in nested:
        if isinstance(item, list):
            if not hidden and (children := _without(item, labels)):
                kept.append(children)
            continue
        hidden = str(item).split(":", 1)[0] in labels
        if not hidden:
            kept.append(item)
    return kept
