"""Small real media files, made in memory for the upload tests."""

import struct
import wave
from io import BytesIO

from mutagen.ogg import OggPage
from PIL import Image


def wav_bytes(seconds: float, rate: int = 8000) -> bytes:
    """A valid mono 8-bit WAV of silence, via the standard library."""
    buffer = BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(rate)
        out.writeframes(b"\x80" * int(seconds * rate))
    return buffer.getvalue()


def ogg_vorbis_bytes(seconds: int, rate: int = 8000) -> bytes:
    """An Ogg Vorbis stream: real Ogg pages (with checksums) and Vorbis headers, no audio
    packets. Enough for a tag reader such as mutagen, which takes the length from the last
    page's granule position; a player would play nothing."""
    ident = b"\x01vorbis" + struct.pack("<IBIiiiBB", 0, 1, rate, 0, 32000, 0, 0xB8, 1)
    comment = b"\x03vorbis" + struct.pack("<I", 7) + b"liverqa" + struct.pack("<I", 0) + b"\x01"
    setup = b"\x05vorbis" + bytes(8)
    pages = []
    for sequence, (packets, position) in enumerate(
        [([ident], 0), ([comment, setup], 0), ([bytes(16)], seconds * rate)]
    ):
        page = OggPage()
        page.packets, page.serial, page.sequence, page.position = packets, 1, sequence, position
        page.first, page.last = sequence == 0, sequence == 2
        pages.append(page.write())
    return b"".join(pages)


def mp3_bytes(seconds: int) -> bytes:
    """MPEG-1 Layer III frames of silence at 128 kbit/s, 44.1 kHz (417-byte frames)."""
    frame = b"\xff\xfb\x90\xc0" + bytes(413)
    return frame * round(seconds * 44100 / 1152)


def image_bytes(width: int, height: int, fmt: str = "PNG", mode: str = "RGB") -> bytes:
    buffer = BytesIO()
    Image.new(mode, (width, height), "white" if mode != "1" else 1).save(buffer, fmt)
    return buffer.getvalue()
