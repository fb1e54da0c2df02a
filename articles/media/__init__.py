"""Uploaded files: stored under names nobody can guess, and served only to those who may see
the row that refers to them.

``limits`` bounds what an upload may cost before it is checked (the request by its declared
length, each file by its field's limit); ``storage`` names new uploads (``s3`` keeps them in a
private bucket); ``access`` decides who may fetch a file; ``ranges`` reads a ``Range`` header;
``responses`` sends the bytes (streamed, through nginx, or by a redirect to a signed S3
address); ``views.media_file`` puts them together at ``MEDIA_URL``.
"""
