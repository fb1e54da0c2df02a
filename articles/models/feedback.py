"""Readers' answers to "Was this answer helpful?": the article, yes or no, an optional comment
and when. Nothing about the reader is kept: no address, browser or cookie."""

from __future__ import annotations

from django.db import models

from .content import Article

MAX_COMMENT = 500


class Feedback(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    helpful = models.BooleanField()
    comment = models.TextField(blank=True, max_length=MAX_COMMENT)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    triaged = models.BooleanField(
        default=False, help_text="Ticked once an editor has read the comment and acted on it."
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "feedback"

    def __str__(self) -> str:
        return f"{'Helpful' if self.helpful else 'Not helpful'}: {self.article}"
