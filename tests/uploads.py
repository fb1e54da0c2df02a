"""Uploads posted through the admin's forms, and what the media storage then holds."""

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from .conftest import add_article_data, form_values, make_doctor


def stored_files() -> list[str]:
    found = []
    for folder in ["audio", "doctors", "doctors/avatars"]:
        if default_storage.exists(folder):
            found += [f"{folder}/{name}" for name in default_storage.listdir(folder)[1]]
    return found


def post_audio(client, name: str, data: bytes):
    upload = SimpleUploadedFile(name, data, "application/octet-stream")
    fields = add_article_data(client, title="Q?", doctor=make_doctor().pk, audio=upload)
    return client.post(reverse("admin:articles_article_add"), fields)


def post_photo(client, name: str, data: bytes):
    doctor = make_doctor("Sun Wei")
    url = reverse("admin:articles_doctor_change", args=[doctor.pk])
    upload = SimpleUploadedFile(name, data, "application/octet-stream")
    return client.post(url, form_values(client.get(url), "doctor_form") | {"photo": upload})
