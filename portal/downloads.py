"""Files sent to the browser, named and typed one way everywhere.

The name follows RFC 6266 (section 4.3 and appendix D): ``filename*`` carries the real, UTF-8
name, which every current browser uses; ``filename`` is a plain-ASCII fallback for the rest,
built from the name's own ASCII part (Werkzeug's fallback for "案卷 YQ-2026-0013.pdf" is
" YQ-2026-0013.pdf", with a space where the Chinese stood). The type is sent as stored: a text
upload is stored as "text/plain; charset=utf-8", to which Werkzeug would add a second charset.
"""
import re
import unicodedata
from urllib.parse import quote

from flask import send_file

UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._()\- ]+")
# Types a browser may show inline (the sniffer in portal.uploads admits no SVG or HTML).
INLINE_IMAGES = ("image/png", "image/jpeg", "image/gif", "image/webp")


def ascii_fallback(filename: str) -> str:
    """The ASCII part of ``filename``, trimmed; "download" with the extension when none is left."""
    stem, dot, ext = filename.rpartition(".")
    if not dot:
        stem, ext = filename, ""
    plain = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    plain = " ".join(UNSAFE_ASCII.sub(" ", plain).split()).strip(" .-_()")
    ext = UNSAFE_ASCII.sub("", unicodedata.normalize("NFKD", ext).encode("ascii", "ignore").decode("ascii"))
    return (plain or "download") + (f".{ext}" if ext else "")


def content_disposition(filename: str, *, attachment: bool = True) -> str:
    value = "attachment" if attachment else "inline"
    fallback = ascii_fallback(filename)
    if fallback == filename:
        return f'{value}; filename="{fallback}"'
    return f"{value}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def send_download(source, *, content_type: str, filename: str, attachment: bool = True):
    """``source``: a path or a binary file object. Never cached (a download may be confidential)."""
    response = send_file(source, mimetype=content_type.split(";")[0].strip() or "application/octet-stream",
                         as_attachment=attachment, download_name=filename, max_age=0)
    response.headers["Content-Type"] = content_type or "application/octet-stream"
    response.headers["Content-Disposition"] = content_disposition(filename, attachment=attachment)
    response.headers["Cache-Control"] = "private, no-store"
    return response
