"""Uploaded files, checked by their content (never their name or the browser's type), with a
name safe to show and to send back. Where a file is kept is its owner's business: case
attachments (portal.cases.attachments), circulars' attachments."""
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from portal.inputs import InputError

# What the bureau attaches: screenshots, scans, office documents, plain text.
SIGNATURES = [
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"GIF87a", "image/gif", ".gif"),
    (b"GIF89a", "image/gif", ".gif"),
    (b"%PDF-", "application/pdf", ".pdf"),
]
ZIP_OFFICE = {
    b"word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    b"xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
}


class UploadError(InputError):
    """An upload refused; the message is for the user."""


def sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) judged from the bytes, never from the name."""
    for magic, mime, ext in SIGNATURES:
        if head.startswith(magic):
            return mime, ext
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", ".webp"
    if head.startswith(b"PK\x03\x04"):
        for marker, (mime, ext) in ZIP_OFFICE.items():
            if marker in head:
                return mime, ext
        return None
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\x00" not in text:
        return "text/plain; charset=utf-8", ".txt"
    return None


def clean_filename(name: str, ext: str) -> str:
    name = "".join(ch for ch in Path(name or "").name if ch.isprintable() and ch not in '\\/:*?"<>|').strip()
    stem = Path(name).stem[:80] or "附件"
    return stem + ext


@dataclass(frozen=True)
class Upload:
    data: bytes
    content_type: str
    filename: str


def read_upload(file_storage) -> Upload:
    """Read and check an uploaded file; raise UploadError with a Chinese message."""
    if file_storage is None or not file_storage.filename:
        raise UploadError("请选择要上传的文件。")
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    data = file_storage.stream.read(limit + 1)
    if not data:
        raise UploadError("上传的文件是空的。")
    if len(data) > limit:
        raise UploadError(f"文件超过{limit // (1024 * 1024)}MB的上限。")
    sniffed = sniff(data[:65536])
    if sniffed is None:
        raise UploadError("只能上传图片（PNG、JPEG、GIF、WebP）、PDF、Word、Excel 或纯文本文件。")
    mime, ext = sniffed
    return Upload(data, mime, clean_filename(file_storage.filename, ext))
