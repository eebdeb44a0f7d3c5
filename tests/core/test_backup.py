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
    with database.connection_context():
        Case.delete().where(Case.state == "registered").execute()
    result = runner.invoke(build_cli(), ["restore", str(tmp_path / "b.tar.gz"), "--yes"])
    assert result.exit_code == 0 and "已恢复" in result.output
    with database.connection_context():
        assert Case.select().where(Case.state == "registered").count() == 1
        assert CaseCounter.select().count() >= 1
