"""Guessing passwords, stolen cookies and idle sessions."""
from datetime import timedelta

from portal.audit import AuditEvent
from portal.db import database


def fail(client, username, times, ip="10.1.1.1"):
    for _ in range(times):
        client.post("/login", data={"username": username, "password": "wrong-guess1"},
                    environ_base={"REMOTE_ADDR": ip})


def login_from(client, username, ip, password="Demo2026"):
    return client.post("/login", data={"username": username, "password": password}, environ_base={"REMOTE_ADDR": ip})


def test_five_failures_lock_the_account_from_that_address_only(app):
    attacker, owner = app.test_client(), app.test_client()
    fail(attacker, "staff", 5, ip="10.9.9.9")
    refused = login_from(attacker, "staff", "10.9.9.9")  # even the right password
    assert refused.status_code == 429 and "已暂时锁定" in refused.get_data(as_text=True)
    assert login_from(owner, "staff", "10.2.2.2").status_code == 302  # the owner, elsewhere, gets in
    with database.connection_context():
        assert AuditEvent.select().where(AuditEvent.action == "login.locked").count() == 1


def test_an_address_guessing_many_accounts_is_locked(app):
    attacker = app.test_client()
    for name in ("a1", "a2", "a3", "a4"):
        fail(attacker, name, 5, ip="10.7.7.7")
    page = login_from(attacker, "office", "10.7.7.7")
    assert page.status_code == 429 and "本机登录失败次数过多" in page.get_data(as_text=True)


def test_an_account_guessed_from_many_addresses_is_locked_but_never_an_admin(app):
    attacker = app.test_client()
    for i in range(10):
        fail(attacker, "staff", 1, ip=f"10.3.3.{i}")
        fail(attacker, "admin", 1, ip=f"10.3.3.{i}")
    assert "该账号登录失败次数过多" in login_from(app.test_client(), "staff", "10.4.4.4").get_data(as_text=True)
    assert login_from(app.test_client(), "admin", "10.4.4.4").status_code == 302


def test_failures_older_than_the_window_do_not_count(app, monkeypatch):
    from portal.auth import throttle
    from portal.db import now

    attacker = app.test_client()
    fail(attacker, "staff", 5, ip="10.5.5.5")
    assert login_from(attacker, "staff", "10.5.5.5").status_code == 429
    later = now() + timedelta(minutes=16)
    monkeypatch.setattr(throttle, "now", lambda: later)
    assert login_from(attacker, "staff", "10.5.5.5").status_code == 302


def test_a_copied_cookie_is_dead_after_logout(app, login):
    client = login("office")
    stolen = client.get_cookie("session").value
    client.post("/logout")
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert replay.get("/").status_code == 302


def test_changing_the_password_ends_other_sessions(app, login):
    laptop, phone = login("office"), login("office")
    laptop.post("/account/password", data={"current": "Demo2026", "new": "Changed2026", "confirm": "Changed2026"})
    assert laptop.get("/").status_code == 200
    assert phone.get("/").status_code == 302


def test_an_idle_session_expires(app, login):
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=1)
    client = login("office")
    import time
    time.sleep(2.1)
    assert client.get("/").status_code == 302


def test_a_new_session_on_login(app):
    client = app.test_client()
    client.get("/login")
    before = client.get_cookie("session").value if client.get_cookie("session") else None
    client.login("office")
    after = client.get_cookie("session").value
    assert after != before
