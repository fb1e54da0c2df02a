"""The models, by concern: the content itself, the editor's choices about it, readers'
feedback on it, and the indexes derived from it."""

from .content import (
    Article,
    ArticleQuerySet,
    Department,
    Doctor,
    TaggedArticle,
    Topic,
)
from .curation import ArticleSlug, Reference, RelatedExclusion, RelatedPick, TopicSlug
from .feedback import Feedback
from .indexes import (
    ArticleTerm,
    IndexedArticle,
    PageVersion,
    RelatedArticle,
    SearchDocument,
    Term,
)
from .review import ArticleComment, GoLiveNotice, ReviewEvent

__all__ = [
    "Article",
    "ArticleComment",
    "ArticleQuerySet",
    "ArticleSlug",
    "ArticleTerm",
    "IndexedArticle",
    "Department",
    "Doctor",
    "Feedback",
    "GoLiveNotice",
    "PageVersion",
    "Reference",
    "RelatedArticle",
    "RelatedExclusion",
    "RelatedPick",
    "ReviewEvent",
    "SearchDocument",
    "TaggedArticle",
    "Term",
    "Topic",
    "TopicSlug",
]
