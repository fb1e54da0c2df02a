"""How much of a request is read: the whole body, refused by its declared length before a
byte of it is read, and each uploaded file, no longer stored once it passes its field's limit.

Django's own limits cover form fields (``DATA_UPLOAD_MAX_MEMORY_SIZE``) but not files, which it
streams to a temporary file of any size; and they answer a raw body that is too big only after
CSRF checks have started reading it, with a bare 400.
"""

from io import BytesIO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat

# The admin pages that take a file, by model, and the form field that holds it.
UPLOAD_FIELDS = {"articles_article": "audio", "articles_doctor": "photo"}
FILE_NAMES = {"audio": "an audio file", "photo": "a photo"}
UPLOAD_VIEWS = {
    f"admin:{model}_{view}": field
    for model, field in UPLOAD_FIELDS.items()
    for view in ("add", "change")
}


def file_limits() -> dict[str, int]:
    """The largest file each upload field takes; a file in any other field is refused."""
    return {"audio": settings.LIVERQA_AUDIO_MAX_BYTES, "photo": settings.LIVERQA_PHOTO_MAX_BYTES}


class RefusedUpload(UploadedFile):
    """A file that passed its field's limit: its name and full size, none of its bytes. The
    form's size check then names both sizes beside the field."""

    def __init__(self, name: str, content_type: str, size: int) -> None:
        super().__init__(BytesIO(), name, content_type, size)


class FileSizeLimitHandler(FileUploadHandler):
    """First in ``FILE_UPLOAD_HANDLERS``: hands each chunk on to Django's handlers until the
    file passes its field's limit, then drops the part already stored and counts the rest
    without keeping it. The request as a whole is bounded by ``RequestSizeMiddleware``."""

    def new_file(self, field_name: str, *args, **kwargs) -> None:
        super().new_file(field_name, *args, **kwargs)
        self.limit = file_limits().get(field_name, 0)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        already = self.received
        self.received += len(raw_data)
        if self.received <= self.limit:
            return raw_data
        if already <= self.limit:
            # The handlers after this one hold the start of the file (a temporary file on
            # disk past 2.5 MB): let them delete it now rather than when the request ends.
            for handler in self.request.upload_handlers:
                if handler is not self:
                    handler.upload_interrupted()
        return None

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.received > self.limit:
            return RefusedUpload(self.file_name, self.content_type, self.received)
        return None


def request_limit(request: HttpRequest) -> tuple[int, str]:
    """The largest body this request may have, and what to call it in a refusal."""
    forms = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    field = UPLOAD_VIEWS.get(request.resolver_match.view_name if request.resolver_match else "")
    if (
        field
        and request.content_type == "multipart/form-data"
        and request.user.is_authenticated
        and request.user.is_staff
    ):
        limit = file_limits()[field]
        return (
            limit + forms,
            f"{FILE_NAMES[field]} of at most {filesizeformat(limit)} with its form",
        )
    return forms, f"a form of at most {filesizeformat(forms)}, with no files"


def _declared_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0  # Django reads nothing of a body whose length it cannot parse


class RequestSizeMiddleware:
    """Refuses a body longer than its view takes before anything reads it: placed before
    ``CsrfViewMiddleware``, whose ``process_view`` is the first to read a form. A chunked body
    (no declared length) is refused too: Django would read it as empty and answer confusingly."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs) -> HttpResponse | None:
        if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            return HttpResponse(
                "Send this request with a Content-Length header; chunked bodies are not read.\n",
                status=411,
                content_type="text/plain; charset=utf-8",
            )
        length = _declared_length(request)
        if length <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return None  # any page takes this much: no need to look up who is asking
        limit, takes = request_limit(request)
        if length > limit:
            return HttpResponse(
                f"This request is {filesizeformat(length)}; this address takes {takes}. "
                "Nothing was saved: go back and choose a smaller file.\n",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return None
