from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Content"

    def ready(self) -> None:
        # The editors' admin and the feedback list register their models; the indexing layer
        # connects its receivers; the page cache listens to the indexing layer.
        from . import pagecache  # noqa: F401
        from .editorial import admin, tag_admin  # noqa: F401
        from .feedback import admin as feedback_admin  # noqa: F401
        from .indexing import signals  # noqa: F401
