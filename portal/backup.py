"""`portal backup` and `portal restore`: the database and the attachments in one archive.

SQLite is copied with its online backup API, consistent while the portal runs (WAL readers
and writers go on). PostgreSQL is dumped with pg_dump. The archive holds a manifest with the
SHA-256 of every member; restore checks it, and the database's integrity, before it touches
anything, and keeps what it replaces beside the new copy.
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
from pathlib import Path
from urllib.parse import urlsplit

from portal.db import now


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


def backup(database_url: str, instance: Path, dest: Path) -> dict:
    """Write ``dest`` (.tar.gz): database snapshot, attachments, manifest."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        source = _sqlite_path(database_url)
        if source:
            db_file = tmp / "portal.db"
            with sqlite3.connect(source) as src, sqlite3.connect(db_file) as dst:
                src.backup(dst)
        else:
            db_file = tmp / "portal.pgdump"
            subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={db_file}", database_url],
                           check=True, capture_output=True)
        members = {db_file.name: _sha256(db_file)}
        attachments = instance / "attachments"
        files = sorted(p for p in attachments.iterdir() if p.is_file()) if attachments.exists() else []
        for path in files:
            members[f"attachments/{path.name}"] = _sha256(path)
        manifest = {"made_at": now().isoformat(), "database": "sqlite" if source else "postgresql", "members": members}
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


def restore(database_url: str, instance: Path, archive: Path) -> dict:
    """Replace the database and attachments with the archive's. Stop the portal first."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(tmp, filter="data")
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
