"""What hostile uploads cost: time, peak memory and bytes read, one fresh process per case.

    .venv/bin/python benchmarks/hostile_uploads.py

Photos and audio go through the checks the admin forms call (``process_photo``,
``audio_duration``); the request case sends a 40 MB multipart body, produced as it is read, to
the admin login page through Django's WSGI handler, with a CSRF cookie as anyone gets from
the login form, and counts the bytes Django reads. Peak
memory is the process's maximum resident size above what it held with the file in memory
(Pillow's pixel buffers are C allocations that tracemalloc does not see).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FILES = Path(tempfile.gettempdir()) / "liverqa-hostile-uploads"
MB = 1024 * 1024


def _big_ogg(megabytes: int, rate: int = 8000) -> bytes:
    """A valid Ogg Vorbis stream of about this size, in 4 KB pages: the headers of
    ``tests.media_files.ogg_vorbis_bytes``, then pages of empty packets."""
    import struct

    from mutagen.ogg import OggPage

    ident = b"\x01vorbis" + struct.pack("<IBIiiiBB", 0, 1, rate, 0, 32000, 0, 0xB8, 1)
    comment = b"\x03vorbis" + struct.pack("<I", 7) + b"liverqa" + struct.pack("<I", 0) + b"\x01"
    packets = [[ident], [comment, b"\x05vorbis" + bytes(8)]]
    packets += [[bytes(4000)]] * (megabytes * 256)
    pages = []
    for sequence, page_packets in enumerate(packets):
        page = OggPage()
        page.packets, page.serial, page.sequence = page_packets, 1, sequence
        page.position = max(0, sequence - 1) * rate // 10  # a tenth of a second a page
        page.first, page.last = sequence == 0, sequence == len(packets) - 1
        pages.append(page.write())
    return b"".join(pages)


def make_files() -> dict[str, Path]:
    from PIL import Image

    from tests.media_files import jpeg_with_metadata, mp3_bytes, ogg_vorbis_bytes, wav_bytes

    def image(mode: str, size: int, fmt: str) -> bytes:
        """A smooth gradient: 25 megapixels that fit in the 5 MB limit."""
        buffer = BytesIO()
        gradient = Image.radial_gradient("L").resize((size, size))
        Image.merge("RGB", [gradient, gradient.transpose(0), gradient]).convert(mode).save(
            buffer, fmt, quality=90
        )
        return buffer.getvalue()

    makers = {
        "bomb.png": lambda: _save(Image.new("1", (6300, 6300)), "PNG"),
        "25mp-rgba.png": lambda: image("RGBA", 5000, "PNG"),
        "25mp.jpg": lambda: image("RGB", 5000, "JPEG"),
        "metadata.jpg": jpeg_with_metadata,
        "html-then-frames.mp3": lambda: b"<html><script>alert(1)</script>" + mp3_bytes(3),
        "granule-2^62.ogg": lambda: ogg_vorbis_bytes(1, rate=1, position=2**62),
        "29mb.wav": lambda: wav_bytes(29 * MB / 16000, rate=16000),
        "29mb.ogg": lambda: _big_ogg(29),
    }
    FILES.mkdir(exist_ok=True)
    paths = {}
    for name, make in makers.items():
        paths[name] = FILES / name
        if not paths[name].exists():
            paths[name].write_bytes(make())
    return paths


def _save(image, fmt: str) -> bytes:
    buffer = BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def run_file(path: Path) -> tuple[str, float, float]:
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from articles.editorial.media import audio_duration, process_photo

    upload = SimpleUploadedFile(path.name, path.read_bytes())
    check = process_photo if path.suffix in {".jpg", ".png"} else audio_duration
    before, started = peak_mib(), time.perf_counter()
    try:
        result = check(upload)
        outcome = f"stored ({result})" if check is audio_duration else "stored"
    except ValidationError as error:
        outcome = error.messages[0]
    except Exception as error:  # what the old code let through as a 500
        outcome = f"500: {type(error).__name__}"
    return outcome, time.perf_counter() - started, peak_mib() - before


class GeneratedBody:
    """A multipart body of ``size`` bytes made as it is read, counting what is read."""

    def __init__(self, size: int) -> None:
        self.head = b'--b\r\nContent-Disposition: form-data; name="audio"; filename="a.mp3"\r\n\r\n'
        self.tail = b"\r\n--b--\r\n"
        self.size, self.read_bytes = size, 0

    def read(self, size: int = -1) -> bytes:
        left = self.size - self.read_bytes
        size = left if size < 0 else min(size, left)
        data = bytearray(size)
        for offset, part in ((0, self.head), (self.size - len(self.tail), self.tail)):
            start, end = (
                max(offset, self.read_bytes),
                min(offset + len(part), self.read_bytes + size),
            )
            if start < end:
                data[start - self.read_bytes : end - self.read_bytes] = part[
                    start - offset : end - offset
                ]
        self.read_bytes += size
        return bytes(data)

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)


def run_request(size: int) -> tuple[str, float, float]:
    from django.core.handlers.wsgi import WSGIHandler

    body = GeneratedBody(size)
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/admin/login/",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "HTTP_HOST": "localhost",
        # Anyone gets a CSRF cookie from the login form; with one, the check reads the body.
        "HTTP_COOKIE": "csrftoken=" + "a" * 32,
        "CONTENT_TYPE": "multipart/form-data; boundary=b",
        "CONTENT_LENGTH": str(size),
        "wsgi.input": body,
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
    }
    statuses = []
    before, started = peak_mib(), time.perf_counter()
    b"".join(WSGIHandler()(environ, lambda status, headers, *_: statuses.append(status)))
    outcome = f"{statuses[0]}; Django read {body.read_bytes / MB:.1f} MB"
    return outcome, time.perf_counter() - started, peak_mib() - before


def child(case: str) -> None:
    import django

    django.setup()
    outcome, seconds, mib = run_request(40 * MB) if case == "request" else run_file(FILES / case)
    print(f"{seconds:.3f}\t{mib:.0f}\t{outcome}")


def main() -> None:
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-" + "x" * 50)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liverqa.settings")
    os.environ.setdefault("LIVERQA_LOG_LEVEL", "CRITICAL")
    if len(sys.argv) == 3 and sys.argv[1] == "--case":
        child(sys.argv[2])
        return
    cases = [*make_files(), "request"]
    print(f"{'case':<28} {'seconds':>8} {'peak MiB':>9}  outcome")
    for case in cases:
        result = subprocess.run(
            [sys.executable, __file__, "--case", case],
            capture_output=True,
            text=True,
            check=True,
        )
        seconds, mib, outcome = result.stdout.strip().split("\t")
        label = "40 MB POST to admin login" if case == "request" else case
        print(f"{label:<28} {seconds:>8} {mib:>9}  {outcome[:90]}")


if __name__ == "__main__":
    main()
