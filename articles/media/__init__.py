"""Uploaded files: stored under names nobody can guess, and served only to those who may see
the row that refers to them.

``storage`` names new uploads; ``access`` decides who may fetch a file; ``ranges`` reads a
``Range`` header; ``responses`` streams the bytes; ``views.media_file`` puts them together at
``MEDIA_URL``.
"""
