"""The three ways a file's bytes leave the site once the view has decided who may have them:
streamed by Django (with ranges and revalidation), handed to nginx (``X-Accel-Redirect``), or
a redirect to a signed address in the bucket."""

from pathlib import PurePosixPath
from typing import BinaryIO

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.cache import get_conditional_response
from django.utils.encoding import filepath_to_uri
from django.utils.http import http_date

from .ranges import Unsatisfiable, byte_range

# The kinds the site stores. Not the mimetypes module: it follows /etc/mime.types (audio/x-wav
# on Debian) and would name text/html or SVG, which a browser runs; anything else is opaque.
CONTENT_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".ogg": "audio/ogg",
    ".wav": "audio/wav",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}


def _headers(name: str, cache_control: str) -> dict[str, str]:
    extension = PurePosixPath(name).suffix.lower()
    return {
        "Content-Type": CONTENT_TYPES.get(extension, "application/octet-stream"),
        # Set here too, not only by SecurityMiddleware: a file must never be read as a page.
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": "inline",
        "Cache-Control": cache_control,
    }


class FileSlice:
    """``length`` bytes of ``file`` from ``start``, read as FileResponse streams them. It has
    no ``fileno()``, so a WSGI server's sendfile cannot send the whole file instead."""

    def __init__(self, file: BinaryIO, start: int, length: int) -> None:
        file.seek(start)
        self.file, self.remaining = file, length

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(self.remaining if size < 0 else min(size, self.remaining))
        self.remaining -= len(data)
        return data

    def close(self) -> None:
        self.file.close()


def stream(request: HttpRequest, name: str, cache_control: str) -> HttpResponse:
    """The file from the media storage: 200, 206 for one byte range, 416 for a range past its
    end, 304 when the reader's copy is current. A missing file is a 404."""
    try:
        size = default_storage.size(name)
        modified = int(default_storage.get_modified_time(name).timestamp())
    except (OSError, SuspiciousFileOperation) as exc:
        raise Http404("No such file.") from exc
    etag = f'"{modified:x}-{size:x}"'  # as nginx makes them: the name never changes content
    validators = {"ETag": etag, "Last-Modified": http_date(modified)}
    not_modified = get_conditional_response(request, etag=etag, last_modified=modified)
    if not_modified is not None:  # 304, or 412 for a failed If-Match
        for header, value in (validators | {"Cache-Control": cache_control}).items():
            not_modified[header] = value
        return not_modified

    headers = _headers(name, cache_control) | validators | {"Accept-Ranges": "bytes"}
    # If-Range names the copy the reader holds part of; for any other, send the whole file.
    if_range = request.headers.get("If-Range")
    wanted = request.headers.get("Range", "") if if_range in {None, *validators.values()} else ""
    try:
        requested = byte_range(wanted, size)
    except Unsatisfiable:
        return HttpResponse(status=416, headers=headers | {"Content-Range": f"bytes */{size}"})
    first, last = requested or (0, size - 1)
    headers["Content-Length"] = str(last - first + 1)
    if requested:
        headers["Content-Range"] = f"bytes {first}-{last}/{size}"
    try:
        file = default_storage.open(name)
    except OSError as exc:  # a folder, or gone since
        raise Http404("No such file.") from exc
    return FileResponse(
        FileSlice(file, first, last - first + 1),
        status=206 if requested else 200,
        content_type=headers.pop("Content-Type"),
        headers=headers,
    )


def accel_redirect(name: str, prefix: str, cache_control: str) -> HttpResponse:
    """An empty answer telling nginx to send the file from its internal ``prefix`` location;
    nginx handles ranges and revalidation, and keeps these headers."""
    return HttpResponse(
        headers=_headers(name, cache_control) | {"X-Accel-Redirect": prefix + filepath_to_uri(name)}
    )


def signed_redirect(url: str, cache_control: str) -> HttpResponse:
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = cache_control
    return response
