"""gzip for what Django renders (pages, feeds, sitemaps), not for files."""

from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import GZipMiddleware


class RenderedGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware (with its BREACH padding) for rendered responses only. Files
    stream: WhiteNoise sends static files already compressed, and media files (images, audio
    answered in byte ranges) must go out as stored, since a gzipped 206 is a broken one."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if response.streaming:
            return response
        return super().process_response(request, response)
