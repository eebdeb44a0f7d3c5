"""`portal backup` and `portal restore`: the database and the attachments in one archive.

SQLite is copied with its online backup API, consistent while the portal runs (WAL readers
and writers go on). PostgreSQL is dumped with pg_dump. The archive holds a manifest with the
SHA-256 of every member and a checkpoint of the audit chain (the newest event's id and keyed
hash, signed: `portal.audit_anchor`); restore checks the members' names and types (only
regular files and folders, no absolute path, no "..", no link or device, on every Python:
Debian 12's 3.11.2 has no extraction filters), their digests and the database's integrity
before it touches anything, and keeps what it replaces beside the new copy.
"""
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from flask import current_app, has_app_context

from portal.config import instance_secret_key
from portal.db import database, now


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is for the administrator."""


def _sqlite_path(url: str) -> Path | None:
    return Path(url.split("sqlite:///", 1)[1]) if url.startswith("sqlite:///") else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _audit_checkpoint(query, instance: Path, audit_key: str | None) -> dict | None:
    """A signed checkpoint of the newest audit event ``query(sql)`` finds (None: no event yet)."""
    from portal.audit_anchor import make

    head = query("SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1")
    if not head:
        return None
    legacy = query("SELECT last_id FROM audit_legacy ORDER BY id LIMIT 1")
    if audit_key is None:
        audit_key = current_app.config["AUDIT_KEY"] if has_app_context() else instance_secret_key(instance, "audit_key")
    return make(head[0], head[1], legacy[0] if legacy else 0, str(audit_key).encode())


def backup(database_url: str, instance: Path, dest: Path, audit_key: str | None = None) -> dict:
    """Write ``dest`` (.tar.gz): database snapshot, attachments, manifest with the audit checkpoint."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        source = _sqlite_path(database_url)
        if source:
            db_file = tmp / "portal.db"
            with sqlite3.connect(source) as src, sqlite3.connect(db_file) as dst:
                src.backup(dst)
            with sqlite3.connect(db_file) as snapshot:
                checkpoint = _audit_checkpoint(lambda sql: snapshot.execute(sql).fetchone(), instance, audit_key)
            snapshot.close()
        else:
            db_file = tmp / "portal.pgdump"
            # taken before the dump: events are only ever added, so the dump holds this one
            opened = database.connect(reuse_if_open=True)
            try:
                checkpoint = _audit_checkpoint(lambda sql: database.execute_sql(sql).fetchone(), instance, audit_key)
            finally:
                if opened:
                    database.close()
            subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={db_file}", database_url],
                           check=True, capture_output=True)
        members = {db_file.name: _sha256(db_file)}
        attachments = instance / "attachments"
        files = sorted(p for p in attachments.iterdir() if p.is_file()) if attachments.exists() else []
        for path in files:
            members[f"attachments/{path.name}"] = _sha256(path)
        manifest = {"made_at": now().isoformat(), "database": "sqlite" if source else "postgresql", "members": members,
                    "audit_checkpoint": checkpoint}
        dest.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(dest, "w:gz") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(db_file, arcname=db_file.name)
            for path in files:
                tar.add(path, arcname=f"attachments/{path.name}")
    return manifest


def _unsafe(member: tarfile.TarInfo) -> str | None:
    """Why a member may not be extracted, or None."""
    name = member.name
    if name.startswith(("/", "\\")) or "\\" in name or ":" in name or ".." in PurePosixPath(name).parts:
        return f"含有不安全的路径“{name}”（绝对路径、“..”或盘符）"
    if not (member.isreg() or member.isdir()):
        return f"含有链接或特殊文件“{name}”（备份中只应有普通文件和文件夹）"
    return None


def _extract(archive: Path, dest: Path):
    """Every member checked before any is written; files written by us, not by tarfile, so no
    name, link or mode in the archive can reach outside ``dest`` on any Python version."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = tar.getmembers()
            for member in members:
                if problem := _unsafe(member):
                    raise BackupError(f"备份文件{problem}，可能被人改动过，未做任何恢复。")
            for member in members:
                target = dest / member.name
                if member.isdir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(member) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"备份文件无法读取（{exc}），未做任何恢复。") from None


def manifest_of(archive: Path) -> dict:
    """The manifest of a backup archive (read without extracting the rest)."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            return json.loads(tar.extractfile("manifest.json").read())
    except (tarfile.TarError, EOFError, OSError, KeyError, AttributeError, ValueError):
        raise BackupError(f"{archive} 不是可读的门户备份文件（没有清单）。") from None


def restore(database_url: str, instance: Path, archive: Path) -> dict:
    """Replace the database and attachments with the archive's. Stop the portal first."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        _extract(archive, tmp)
        if not (tmp / "manifest.json").is_file():
            raise BackupError("备份文件中没有清单（manifest.json），未做任何恢复。")
        manifest = json.loads((tmp / "manifest.json").read_text())
        for name, digest in manifest["members"].items():
            if not (tmp / name).is_file() or _sha256(tmp / name) != digest:
                raise BackupError(f"备份文件已损坏：{name} 的校验值不符，未做任何恢复。")
        target = _sqlite_path(database_url)
        if (manifest["database"] == "sqlite") != bool(target):
            raise BackupError("备份的数据库类型与当前配置不同，未做任何恢复。")
        stamp = now().strftime("%Y%m%d%H%M%S")
        if target:
            with sqlite3.connect(tmp / "portal.db") as check:
                if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                    raise BackupError("备份中的数据库未通过完整性检查，未做任何恢复。")
            if target.exists():
                shutil.copy2(target, target.with_name(f"{target.name}.before-restore-{stamp}"))
            incoming = target.with_name(f"{target.name}.restoring")
            shutil.copy2(tmp / "portal.db", incoming)
            for suffix in ("-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            os.replace(incoming, target)  # a new file: nothing still open can write into it
        else:
            subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={database_url}",
                            str(tmp / "portal.pgdump")], check=True, capture_output=True)
        attachments = instance / "attachments"
        if attachments.exists():
            attachments.rename(instance / f"attachments.before-restore-{stamp}")
        if (tmp / "attachments").exists():
            shutil.copytree(tmp / "attachments", attachments)
        else:
            attachments.mkdir(parents=True)
    return manifest


def describe(url: str) -> str:
    path = _sqlite_path(url)
    return str(path) if path else urlsplit(url)._replace(netloc=urlsplit(url).hostname or "").geturl()
