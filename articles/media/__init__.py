"""Uploaded files: stored under names nobody can guess (``storage``)."""
