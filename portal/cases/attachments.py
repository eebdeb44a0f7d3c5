"""Attachments: checked by content, stored under random names outside static."""
import hashlib
import secrets
from pathlib import Path

from flask import current_app

from portal import audit
from portal.cases.models import Attachment
from portal.uploads import Upload, UploadError


def storage_dir() -> Path:
    path = Path(current_app.instance_path) / "attachments"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(case, upload: Upload, kind: str, actor) -> Attachment:
    """Keep a checked upload for ``case``; call inside the caller's transaction."""
    if kind not in Attachment.KINDS:
        raise UploadError("附件类别无效。")
    stored = secrets.token_hex(16)
    path = storage_dir() / stored
    path.write_bytes(upload.data)
    # If the transaction rolls back, the file stays unreferenced: harmless, never served.
    attachment = Attachment.create(
        case=case, kind=kind, filename=upload.filename, stored_name=stored, content_type=upload.content_type,
        size=len(upload.data), sha256=hashlib.sha256(upload.data).hexdigest(), uploaded_by=actor,
    )
    audit.record("case.attached", f"上传{attachment.kind_label}：{attachment.filename}", actor=actor,
                 obj=case, attachment=attachment.id, sha256=attachment.sha256)
    return attachment


def path_of(attachment: Attachment) -> Path:
    return storage_dir() / attachment.stored_name
