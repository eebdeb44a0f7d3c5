"""Attachments: checked by content, stored under random names outside static."""
import hashlib
import secrets
from datetime import timedelta
from pathlib import Path

from flask import current_app

from portal import audit, clock
from portal.cases import access
from portal.cases.models import Attachment
from portal.hookspecs import hookimpl
from portal.uploads import Upload, UploadError


def storage_dir(app=None) -> Path:
    path = Path((app or current_app).instance_path) / "attachments"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(case, upload: Upload, kind: str, actor) -> Attachment:
    """Keep a checked upload for ``case``; call inside the caller's transaction."""
    if kind not in Attachment.KINDS:
        raise UploadError("附件类别无效。")
    if access.register_only(case):
        raise UploadError("涉密事项线下办理，不得在本系统上传附件。")
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


@hookimpl
def portal_schema_setup():
    return _purge_after_migrations


def _purge_after_migrations(app, migrated) -> list[str]:
    """A migration may have emptied cases (涉密, core 0010): their files go too."""
    if not migrated:
        return []
    return [f"删除已无记录引用的附件文件 attachments/{name}" for name in purge_unreferenced(app)]


def purge_unreferenced(app, older_than=timedelta(minutes=10)) -> list[str]:
    """Delete the files in the attachments folder that no attachment row refers to, e.g. those of
    涉密 cases emptied by migration 0010 (a migration changes only the database). Files younger
    than ``older_than`` are left: an upload writes its file before its row commits."""
    from portal.db import database

    folder = Path(app.instance_path) / "attachments"
    if not folder.is_dir():
        return []
    limit = clock.instant().timestamp() - older_than.total_seconds()
    with database.connection_context():
        kept = {row.stored_name for row in Attachment.select(Attachment.stored_name)}
    removed = []
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.name not in kept and path.stat().st_mtime < limit:
            path.unlink()
            removed.append(path.name)
    return removed
