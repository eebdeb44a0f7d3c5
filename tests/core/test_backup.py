"""portal backup / portal restore: a round trip gives back every table and every attachment."""
import tarfile
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from portal.backup import BackupError, backup, restore
from portal.cases.models import Case, CaseCounter
from portal.db import database
from tests.core.case_helpers import png, register, step


def snapshot(app) -> dict:
    tables = {}
    with database.connection_context():
        for model in app.extensions["portal_models"]:
            table = model._meta.table_name
            tables[table] = [tuple(row) for row in database.execute_sql(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()]
    return tables


def attachments(app) -> dict:
    folder = Path(app.instance_path) / "attachments"
    return {p.name: p.read_bytes() for p in folder.iterdir()} if folder.exists() else {}


def test_round_trip_restores_every_table_and_file(app, login, tmp_path):
    monitor = login("monitor")
    case = register(monitor, screenshot=png())
    step(monitor, case, "report")
    before, files = snapshot(app), attachments(app)
    archive = tmp_path / "backup.tar.gz"
    backup(app.config["DATABASE_URL"], Path(app.instance_path), archive)

    register(monitor, title="备份之后登记的事项", screenshot=png("later.png"))  # changes after the backup
    assert snapshot(app) != before
    if not database.is_closed():
        database.close()
    restore(app.config["DATABASE_URL"], Path(app.instance_path), archive)

    assert snapshot(app) == before
    assert attachments(app) == files
    page = login("office").get("/cases/?q=备份之后登记", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "共 0 件" in page


def test_a_damaged_archive_is_refused_and_nothing_changes(app, login, tmp_path):
    register(login("monitor"), screenshot=png())
    archive = tmp_path / "backup.tar.gz"
    backup(app.config["DATABASE_URL"], Path(app.instance_path), archive)
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name.startswith("attachments/"):
                data = data[:-1] + b"!"
            member.size = len(data)
            import io
            dst.addfile(member, io.BytesIO(data))
    before = snapshot(app)
    with pytest.raises(BackupError, match="已损坏"):
        restore(app.config["DATABASE_URL"], Path(app.instance_path), damaged)
    assert snapshot(app) == before


def test_backup_while_cases_are_being_registered_is_consistent(app, tmp_path):
    """An online backup is a snapshot: its numbering counter matches the cases it holds."""
    if not app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("the SQLite online backup API; PostgreSQL relies on pg_dump's snapshot")
    from portal.cases import workflow
    from portal.db import now
    from portal.org.models import User

    stop = threading.Event()

    def writer():
        with app.app_context(), database.connection_context():
            monitor = User.get(User.username == "monitor")
            while not stop.is_set():
                workflow.register(monitor, title="并发登记", source="weibo", url="", post_text="内容",
                                  category="complaint", posted_at=now())

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        archives = []
        for i in range(3):
            archives.append(tmp_path / f"b{i}.tar.gz")
            backup(app.config["DATABASE_URL"], Path(app.instance_path), archives[-1])
    finally:
        stop.set()
        thread.join()
    import sqlite3
    for archive in archives:
        copy = tmp_path / f"{archive.stem}.db"
        with tarfile.open(archive) as tar:  # (no extraction filter on Debian 12's Python 3.11.2)
            copy.write_bytes(tar.extractfile("portal.db").read())
        con = sqlite3.connect(copy)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        year = now().year
        count = con.execute('SELECT COUNT(*) FROM "case" WHERE year = ?', (year,)).fetchone()[0]
        last = con.execute("SELECT last FROM case_counter WHERE year = ?", (year,)).fetchone()[0]
        assert count == last
        con.close()


def test_cli_backup_and_restore(tmp_path, monkeypatch):
    from portal.cli import build_cli

    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    runner = CliRunner()
    assert runner.invoke(build_cli(), ["init-db", "--demo"]).exit_code == 0
    result = runner.invoke(build_cli(), ["backup", str(tmp_path / "b.tar.gz")])
    assert result.exit_code == 0 and "已备份到" in result.output
    with database.connection_context():  # plugins' records refer to cases: change one rather than delete it
        titles = {c.id: c.title for c in Case.select(Case.id, Case.title)}
        Case.update(title="备份后改动的标题").execute()
    result = runner.invoke(build_cli(), ["restore", str(tmp_path / "b.tar.gz"), "--yes"])
    assert result.exit_code == 0 and "已恢复" in result.output
    with database.connection_context():
        assert {c.id: c.title for c in Case.select(Case.id, Case.title)} == titles
        assert CaseCounter.select().count() >= 1


def hostile_archive(path: Path, good: Path, member: tarfile.TarInfo, data: bytes = b""):
    """A copy of the good backup with one hostile member added (its manifest left as it was)."""
    import io

    with tarfile.open(good) as src, tarfile.open(path, "w:gz") as dst:
        for m in src.getmembers():
            dst.addfile(m, src.extractfile(m))
        member.size = len(data) if member.isreg() else 0
        dst.addfile(member, io.BytesIO(data) if member.isreg() else None)
    return path


def _member(name, kind=tarfile.REGTYPE, link=""):
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, link
    return info


HOSTILE = {
    "traversal": (_member("../../escaped.txt"), "不安全的路径“../../escaped.txt”"),
    "traversal_inside": (_member("attachments/../../escaped.txt"), "不安全的路径"),
    "absolute": (_member("/tmp/portal-restore-escaped.txt"), "不安全的路径“/tmp/portal-restore-escaped.txt”"),
    "symlink": (_member("attachments/link", tarfile.SYMTYPE, "/etc/passwd"), "链接或特殊文件“attachments/link”"),
    "hardlink": (_member("attachments/hard", tarfile.LNKTYPE, "portal.db"), "链接或特殊文件“attachments/hard”"),
    "device": (_member("attachments/dev", tarfile.CHRTYPE), "链接或特殊文件"),
    "fifo": (_member("attachments/fifo", tarfile.FIFOTYPE), "链接或特殊文件"),
}


def files_under(folder: Path) -> list:
    """Every path below ``folder`` but SQLite's own -wal/-shm files (they come and go with connections)."""
    return sorted(p.relative_to(folder) for p in folder.rglob("*") if not p.name.endswith(("-wal", "-shm")))


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_a_hostile_archive_is_refused_and_nothing_changes(app, login, tmp_path, kind):
    """Debian 12's Python 3.11.2 has no tarfile extraction filter: restore checks each member
    itself, before writing anything."""
    register(login("monitor"), screenshot=png())
    good = tmp_path / "good.tar.gz"
    backup(app.config["DATABASE_URL"], Path(app.instance_path), good)
    member, message = HOSTILE[kind]
    archive = hostile_archive(tmp_path / "hostile.tar.gz", good, member, b"pwned")
    before, files = snapshot(app), attachments(app)
    instance_before = files_under(tmp_path)
    if not database.is_closed():
        database.close()
    with pytest.raises(BackupError) as refused:
        restore(app.config["DATABASE_URL"], Path(app.instance_path), archive)
    assert message in str(refused.value) and "未做任何恢复" in str(refused.value)
    assert snapshot(app) == before and attachments(app) == files
    assert files_under(tmp_path) == instance_before
    assert not Path("/tmp/portal-restore-escaped.txt").exists()


def test_portal_restore_refuses_a_hostile_archive_with_a_message(tmp_path, monkeypatch):
    from portal.cli import build_cli

    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    runner = CliRunner()
    assert runner.invoke(build_cli(), ["init-db"]).exit_code == 0
    assert runner.invoke(build_cli(), ["backup", str(tmp_path / "b.tar.gz")]).exit_code == 0
    archive = hostile_archive(tmp_path / "evil.tar.gz", tmp_path / "b.tar.gz",
                              _member("attachments/link", tarfile.SYMTYPE, "../../../etc/passwd"))
    result = runner.invoke(build_cli(), ["restore", str(archive), "--yes"])
    assert result.exit_code == 1
    assert "备份文件含有链接或特殊文件“attachments/link”" in result.output and "未做任何恢复" in result.output
    assert "Traceback" not in result.output
