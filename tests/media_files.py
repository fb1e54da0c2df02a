"""Small real media files, made in memory for the upload tests."""

import struct
import wave
import zlib
from io import BytesIO

from mutagen.ogg import OggPage
from PIL import ExifTags, Image, ImageCms
from PIL.PngImagePlugin import PngInfo


def wav_bytes(seconds: float, rate: int = 8000) -> bytes:
    """A valid mono 8-bit WAV of silence, via the standard library."""
    buffer = BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(rate)
        out.writeframes(b"\x80" * int(seconds * rate))
    return buffer.getvalue()


def ogg_vorbis_bytes(seconds: int, rate: int = 8000, position: int | None = None) -> bytes:
    """An Ogg Vorbis stream: real Ogg pages (with checksums) and Vorbis headers, no audio
    packets. Enough for a tag reader such as mutagen, which takes the length from the last
    page's granule position (``position``, to craft one); a player would play nothing."""
    ident = b"\x01vorbis" + struct.pack("<IBIiiiBB", 0, 1, rate, 0, 32000, 0, 0xB8, 1)
    comment = b"\x03vorbis" + struct.pack("<I", 7) + b"liverqa" + struct.pack("<I", 0) + b"\x01"
    setup = b"\x05vorbis" + bytes(8)
    pages = []
    for sequence, (packets, granule) in enumerate(
        [([ident], 0), ([comment, setup], 0), ([bytes(16)], position or seconds * rate)]
    ):
        page = OggPage()
        page.packets, page.serial, page.sequence, page.position = packets, 1, sequence, granule
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


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def m4a_bytes(seconds: int, rate: int = 8000) -> bytes:
    """An MP4 audio file as mutagen reads it: ftyp, then moov with one sound track whose
    mdhd gives the length, then an mdat of silence."""
    hdlr = _box(b"hdlr", bytes(8) + b"soun" + bytes(13))
    mdhd = _box(b"mdhd", bytes(12) + struct.pack(">II", rate, seconds * rate) + bytes(4))
    moov = _box(b"moov", _box(b"trak", _box(b"mdia", mdhd + hdlr)))
    return _box(b"ftyp", b"M4A \0\0\0\0M4A isom") + moov + _box(b"mdat", bytes(1000))


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload))
    )


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width``×``height`` pixels, with almost no pixel data: what a
    decompression bomb looks like to anything that reads only the header."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", zlib.compress(bytes(100)))
        + _png_chunk(b"IEND", b"")
    )


PAYLOAD = "<script>alert(1)</script> 12 Rue des Lilas, Lyon"


def jpeg_with_metadata(width: int = 300, height: int = 200) -> bytes:
    """A JPEG carrying every kind of metadata a camera or an attacker adds: a comment (COM)
    holding ``PAYLOAD``, EXIF with an orientation and a GPS position, XMP and an ICC profile."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # stored sideways: shown rotated 90° clockwise
    exif[ExifTags.Base.ImageDescription] = PAYLOAD
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (45.0, 45.0, 36.0)
    xmp = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>{PAYLOAD}</rdf:Description>'
    buffer = BytesIO()
    Image.new("RGB", (width, height), "teal").save(
        buffer,
        "JPEG",
        comment=PAYLOAD.encode(),
        exif=exif.tobytes(),
        xmp=(xmp + "</x:xmpmeta>").encode(),
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
    )
    return buffer.getvalue()


def png_with_text(width: int = 300, height: int = 200) -> bytes:
    """A PNG with ``PAYLOAD`` in a tEXt, a zTXt and an iTXt chunk."""
    info = PngInfo()
    info.add_text("Comment", PAYLOAD)
    info.add_text("Author", PAYLOAD, zip=True)
    info.add_itxt("Description", PAYLOAD, lang="en")
    buffer = BytesIO()
    Image.new("RGBA", (width, height), (0, 128, 128, 200)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()
