"""Anchors of the audit chain outside the database: signed checkpoints.

The keyed chain (`portal.audit`) finds any event changed or removed in the middle, but not the
newest events removed (what is left is still a sound chain). A checkpoint records the newest
event the portal has seen sound: its id, its keyed hash and the legacy boundary, signed with
the audit key. `portal tick` (every minute), the verifier (`portal audit-verify`,
`/admin/audit/verify`) and `portal restore` write one into the checkpoint folder
(``AUDIT_CHECKPOINT_DIR``, by default ``<instance>/audit_checkpoints``), one file per server
named after its host; `portal backup` writes one into the archive's manifest. `check()`
verifies the chain and then every checkpoint it is given: the event it names must still be
in the database with that hash. A checkpoint written before a recorded `portal restore`
(`audit.restored`, itself in the keyed chain) is superseded by it, not a finding.
"""
import datetime as dt
import getpass
import hashlib
import hmac
import json
import os
import shutil
import socket
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

from portal import audit
from portal.audit import AuditEvent
from portal.db import now

RESTORED = "audit.restored"


def folder() -> Path:
    configured = current_app.config.get("AUDIT_CHECKPOINT_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "audit_checkpoints"


def own_name() -> str:
    return f"{socket.gethostname()}.json"


def _signature(secret: bytes, cp: dict) -> str:
    fields = [cp["event_id"], cp["hash"], cp["legacy_until"], cp["at"]]
    return hmac.new(secret, json.dumps(fields).encode(), hashlib.sha256).hexdigest()


def make(event_id: int, event_hash: str, legacy_until: int, secret: bytes | None = None) -> dict:
    cp = {"event_id": event_id, "hash": event_hash, "legacy_until": legacy_until,
          "at": now().isoformat(sep=" ")}
    cp["signature"] = _signature(secret or audit.key(), cp)
    return cp


def genuine(cp, secret: bytes) -> bool:
    try:
        return hmac.compare_digest(str(cp["signature"]), _signature(secret, cp))
    except (KeyError, TypeError):
        return False


def write(cp: dict):
    """This server's checkpoint file, replaced whole (a reader never sees half of it)."""
    target = folder()
    target.mkdir(parents=True, exist_ok=True)
    path = target / own_name()
    part = path.with_name(f".{path.name}.{os.getpid()}")
    part.write_text(json.dumps(cp, ensure_ascii=False), encoding="utf-8")
    os.replace(part, path)


def read_all() -> list[tuple[str, dict | None]]:
    """(file name, checkpoint or None when unreadable) for every server's checkpoint."""
    where = folder()
    found = []
    for path in sorted(where.glob("*.json")) if where.is_dir() else []:
        try:
            found.append((path.name, json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError):
            found.append((path.name, None))
    return found


@dataclass
class Verdict:
    checked: int = 0
    broken: AuditEvent | None = None  # the first event that does not fit the chain
    head: AuditEvent | None = None  # the last sound event
    problems: list[str] = field(default_factory=list)  # checkpoints that do not match: tampering
    notes: list[str] = field(default_factory=list)
    anchors: int = 0  # checkpoints that matched

    @property
    def ok(self) -> bool:
        return self.broken is None and not self.problems


def check(extra=()) -> Verdict:
    """The whole chain, then every checkpoint of the folder and ``extra`` ((label, checkpoint), …:
    those of backup manifests)."""
    verdict, restores = Verdict(), []

    def seen(event):
        verdict.head = event
        if event.action == RESTORED:
            restores.append(event)
    verdict.checked, verdict.broken = audit.verify(on_event=seen)
    anchors = [(f"检查点文件 {name}", cp) for name, cp in read_all()] + list(extra)
    secret, legacy = audit.key(), audit.legacy_boundary()
    for label, cp in anchors:
        _compare(verdict, label, cp, secret, legacy, restores)
    if not anchors:
        verdict.notes.append("尚无检查点：无法判断最新的记录是否被删除。检查点由每分钟的 portal tick 和每次校验写入。")
    return verdict


def _compare(verdict: Verdict, label: str, cp, secret: bytes, legacy: int, restores: list):
    if not genuine(cp, secret):
        verdict.problems.append(f"{label}的签名无效：检查点被改动，或审计密钥已被更换。")
        return
    event = AuditEvent.get_or_none(AuditEvent.id == cp["event_id"])
    if cp["legacy_until"] != legacy:
        problem = (f"{label}记录的旧记录（未加密钥）截至第 {cp['legacy_until']} 条，数据库中却为第 {legacy} 条："
                   "边界被改动。")
    elif event is None:
        problem = (f"第 {cp['event_id']} 条记录已不在数据库中（{label}，写于 {cp['at']}）："
                   "最新的记录被删除，或数据库被换成了更早的副本。")
    elif event.hash != cp["hash"]:
        problem = (f"第 {cp['event_id']} 条记录的哈希值与{label}不符：该条或之前的记录被改动并重算了哈希链，"
                   "或数据库被换成了别的副本。")
    else:
        verdict.anchors += 1
        return
    written = dt.datetime.fromisoformat(cp["at"])
    later = next((r for r in restores if r.at >= written), None)
    if later is not None:
        verdict.notes.append(f"{label}（第 {cp['event_id']} 条，写于 {cp['at']}）早于第 {later.id} 条记录所载的备份恢复，"
                             "已由该次恢复重新锚定。")
    else:
        verdict.problems.append(problem)


def anchor(verdict: Verdict):
    """After a sound verification: this server's checkpoint at the last event checked."""
    if verdict.ok and verdict.head is not None:
        try:
            write(make(verdict.head.id, verdict.head.hash, audit.legacy_boundary()))
        except OSError as exc:
            verdict.notes.append(f"检查点无法写入 {folder()}（{exc.strerror}）：请检查该文件夹的权限。")


def advance() -> Verdict | None:
    """Move this server's checkpoint to the newest event, only along a sound chain: from its
    own last checkpoint when that still holds (a few events each minute), else after a full
    check. Returns the full check's verdict when one was needed (not ok: nothing written)."""
    secret, legacy = audit.key(), audit.legacy_boundary()
    own = dict(read_all()).get(own_name())
    if own and genuine(own, secret) and own["legacy_until"] == legacy:
        start = AuditEvent.get_or_none(AuditEvent.id == own["event_id"])
        if start and start.hash == own["hash"] and \
                start.content_hash(None if start.id <= legacy else secret) == start.hash:
            last = [start]
            _, broken = audit.verify(after=start, on_event=lambda e: last.__setitem__(0, e))
            if broken is None:
                if last[0].id != start.id:
                    write(make(last[0].id, last[0].hash, legacy, secret))
                return None
    verdict = check()
    anchor(verdict)
    return verdict


def reanchor(backup_checkpoint: dict | None, made_at: str, archive: str) -> tuple[Verdict, AuditEvent]:
    """After `portal restore`: set the checkpoints aside (kept in ``before-restore-<time>/``),
    check the restored chain against the backup's own checkpoint, record the restore in the
    audit log and anchor its new head there."""
    replaced = read_all()
    if replaced:
        aside = folder() / f"before-restore-{now().strftime('%Y%m%d%H%M%S')}"
        aside.mkdir(exist_ok=True)
        for name, _ in replaced:
            shutil.move(folder() / name, aside / name)
    extra = [("备份清单中的检查点", backup_checkpoint)] if backup_checkpoint else []
    verdict = check(extra)
    if not backup_checkpoint:
        verdict.notes.append("该备份的清单中没有检查点（本版本之前的备份）。")
    head = verdict.head
    event = audit.record(
        RESTORED, f"从备份恢复（{archive}，备份于 {made_at}）：审计日志回到第 {head.id if head else 0} 条，此后重新锚定",
        actor=None, by=getpass.getuser(), host=socket.gethostname(), archive=archive, made_at=made_at, restored_head=head.id if head else 0, backup_checkpoint=backup_checkpoint,
        replaced_checkpoints=[{"file": name, **(cp or {})} for name, cp in replaced],
        chain_sound=verdict.ok, problems=verdict.problems)
    if verdict.ok:
        write(make(event.id, event.hash, audit.legacy_boundary()))
    return verdict, event
