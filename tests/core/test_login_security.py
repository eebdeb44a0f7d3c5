"""Guessing passwords, stolen cookies and idle sessions."""
from datetime import timedelta

import pytest

from portal.audit import AuditEvent
from portal.auth import throttle
from portal.db import database


def fail(client, username, times, ip="10.1.1.1"):
    return [client.post("/login", data={"username": username, "password": "wrong-guess1"},
                        environ_base={"REMOTE_ADDR": ip}).status_code for _ in range(times)]


def login_from(client, username, ip, password="Demo2026"):
    return client.post("/login", data={"username": username, "password": password}, environ_base={"REMOTE_ADDR": ip})


class Clock:
    """The throttle's clock, moved by hand: no test waits."""

    def __init__(self, at=1_800_000_000.0):
        self.at = at

    def __call__(self):
        return self.at

    def advance(self, seconds):
        self.at += seconds


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(throttle, "clock", fake)
    return fake


@pytest.fixture
def hashes(monkeypatch):
    """How many times a password hash was computed."""
    from portal.org import models

    calls = []
    real = models.check_password_hash

    def counted(*args):
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(models, "check_password_hash", counted)
    return calls


def test_the_budgets_figures():
    # The figures docs/security.md states: 10 at once, then one every 3 minutes per account.
    assert (throttle.ACCOUNT.burst, throttle.ACCOUNT.every) == (10, 180)
    assert (throttle.ADDRESS.burst, throttle.ADDRESS.every) == (30, 20)
    assert (throttle.DEVICE.burst, throttle.DEVICE.every) == (10, 60)
    assert throttle.ACCOUNT.level(0, 0, 90) == 0.5 and throttle.ACCOUNT.wait(0, 0, 90) == 90
    assert throttle.ACCOUNT.level(9.5, 0, 10_000) == 10 and throttle.ACCOUNT.wait(3, 0, 0) == 0


def test_an_hour_of_guessing_from_a_thousand_addresses_gets_thirty_tries(db, clock):
    tried, start = 0, clock.at
    for second in range(0, 3601, 4):  # 901 attempts in an hour, each from an address of its own
        clock.at = start + second
        if throttle.take(throttle.buckets("admin", f"10.{second // 250}.{second % 250}.1", None)) == 0:
            tried += 1
    assert tried == 10 + 3600 // 180  # the burst, then one every 3 minutes: 30 an hour, 490 a day


def test_an_account_under_attack_makes_guessers_wait_and_checks_no_password(app, clock, hashes):
    attacker = app.test_client()
    assert [fail(attacker, "admin", 1, ip=f"10.3.3.{i}")[0] for i in range(10)] == [200] * 10  # administrators too
    assert len(hashes) == 10
    refused = login_from(attacker, "admin", "10.3.3.77")  # even the right password, from a new address
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "180"
    assert "请3分钟后再试" in refused.get_data(as_text=True) and len(hashes) == 10
    clock.advance(179)
    assert login_from(attacker, "admin", "10.3.3.78").status_code == 429
    clock.advance(1)
    assert login_from(attacker, "admin", "10.3.3.79").status_code == 302  # a right password costs no token


def test_the_real_user_on_a_browser_they_signed_in_from_is_never_slowed(app, clock):
    owner = app.test_client()
    assert login_from(owner, "coal_liaison", "10.8.0.5").status_code == 302
    owner.post("/logout")
    attacker = app.test_client()
    for round_ in range(3):  # 3 hours of attack: 1,998 attempts from 750 addresses
        clock.advance(3600)
        for i in range(2000 // 3):
            throttle.take(throttle.buckets("coal_liaison", f"172.16.{round_}.{i % 250}", None))
    assert login_from(attacker, "coal_liaison", "10.8.0.6").status_code == 429
    assert fail(owner, "coal_liaison", 2, ip="10.8.0.5") == [200, 200]  # the owner mistypes twice
    assert login_from(owner, "coal_liaison", "10.8.0.5").status_code == 302
    owner.post("/logout")
    assert login_from(owner, "coal_liaison", "192.168.1.20").status_code == 302  # at home, same laptop


def test_a_browser_that_signed_in_before_has_its_own_small_budget(app, clock):
    owner = app.test_client()
    assert login_from(owner, "staff", "10.8.0.5").status_code == 302
    owner.post("/logout")
    assert fail(owner, "staff", 11, ip="10.8.0.5") == [200] * 10 + [429]  # a stolen cookie guesses no faster
    clock.advance(60)
    assert login_from(owner, "staff", "10.8.0.5").status_code == 302


def test_a_forged_device_cookie_counts_as_none(app, clock):
    attacker = app.test_client()
    attacker.set_cookie(throttle.DEVICE_COOKIE, "W1sic3RhZmYiLCAiYWJjIl1d.forged")
    assert fail(attacker, "staff", 11, ip="10.6.6.6") == [200] * 10 + [429]
    assert throttle.known_devices("W1sic3RhZmYiLCAiYWJjIl1d.forged", app.config["SECRET_KEY"]) == {}


def test_one_address_guessing_many_accounts_is_slowed_not_its_colleagues(app, clock):
    attacker = app.test_client()
    for name in ("a1", "a2", "a3", "a4", "a5", "a6"):
        fail(attacker, name, 5, ip="10.7.7.7")
    page = login_from(attacker, "office", "10.7.7.7")
    assert page.status_code == 429 and page.headers["Retry-After"] == "20"
    assert login_from(app.test_client(), "office", "10.7.7.8").status_code == 302  # another address
    clock.advance(20)
    assert login_from(app.test_client(), "leader", "10.7.7.7").status_code == 302  # one every 20 s again


def test_the_limits_live_in_the_database_not_in_one_server(app, tmp_path, clock):
    from portal import create_app

    fail(app.test_client(), "head", 10, ip="10.5.5.5")
    other_server = create_app({"INSTANCE_PATH": app.instance_path, "DATABASE_URL": app.config["DATABASE_URL"],
                               "TESTING": True})
    other_server.test_client_class = type(app.test_client())
    assert login_from(other_server.test_client(), "head", "10.5.5.6").status_code == 429
    with database.connection_context():
        assert throttle.LoginThrottle.select().count() == 3  # the account's bucket and each address's


def test_unknown_and_existing_names_cost_the_same_hashing(app, clock, hashes):
    client = app.test_client()
    fail(client, "nobody-here", 1)
    assert len(hashes) == 1
    fail(client, "staff", 1)
    assert len(hashes) == 2
    with database.connection_context():
        from portal.org.models import User
        User.update(active=False).where(User.username == "head").execute()
    fail(client, "head", 1)
    assert len(hashes) == 3
    assert login_from(client, "head", "10.1.1.1").get_data(as_text=True).count("用户名或密码错误") == 1


def test_throttling_is_in_the_audit_log(app, clock):
    fail(app.test_client(), "staff", 10, ip="10.9.9.9")
    with database.connection_context():
        assert AuditEvent.select().where(AuditEvent.action == "login.failed").count() == 10
        assert AuditEvent.select().where(AuditEvent.action == "login.throttled").count() == 1


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


def test_a_session_in_use_stays_signed_in_and_its_cookie_is_not_signed_again_for_every_page(app, login, monkeypatch):
    import time
    from datetime import datetime, timezone

    from portal import clock

    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=600)
    app.config["SESSION_REFRESH_SECONDS"] = 300
    seconds = [5_900_000 * 300 + 1]  # the start of a window (2026-02); itsdangerous signs with time.time
    monkeypatch.setattr(time, "time", lambda: seconds[0])
    monkeypatch.setattr(clock, "instant", lambda: datetime.fromtimestamp(seconds[0], timezone.utc))
    client = login("office")

    def visit(after: float):
        seconds[0] += after
        response = client.get("/cases/")
        return response.status_code, "Set-Cookie" in response.headers

    assert visit(5)[0] == 200
    assert visit(10) == (200, False)  # in the same window: not signed and sent again
    assert visit(300) == (200, True)  # a new window: sent again, the lifetime starts again
    for _ in range(8):  # in use for 40 minutes, well past the 10-minute lifetime
        assert visit(290)[0] == 200
    assert visit(700)[0] == 302  # idle past the lifetime: signed out
