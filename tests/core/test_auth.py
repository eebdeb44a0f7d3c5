from portal.audit import AuditEvent
from portal.db import database
from portal.org.models import User


def events(action):
    with database.connection_context():
        return list(AuditEvent.select().where(AuditEvent.action == action))


def test_login_success_goes_home_and_is_recorded(client):
    response = client.login("office")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert "孙若兰" in home and "工作台" in home
    assert [e.summary for e in events("login")] == ["孙若兰 登录"]


def test_wrong_password_gets_a_chinese_message_and_is_recorded(client):
    response = client.login("office", "wrong-password1")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "用户名或密码错误。" in page
    assert client.get("/").status_code == 302  # still not logged in
    failed = events("login.failed")
    assert len(failed) == 1 and failed[0].details["username"] == "office"


def test_unknown_user_gets_the_same_message(client):
    page = client.login("nobody", "whatever1").get_data(as_text=True)
    assert "用户名或密码错误。" in page
    assert events("login.failed")[0].actor is None


def test_inactive_user_cannot_log_in(client, db):
    User.update(active=False).where(User.username == "staff").execute()
    assert "用户名或密码错误。" in client.login("staff").get_data(as_text=True)


def test_logout_ends_the_session(login):
    client = login("office")
    assert client.get("/").status_code == 200
    response = client.post("/logout")
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    assert client.get("/").headers["Location"].startswith("/login")


def test_anonymous_user_is_sent_to_login_with_next(client):
    response = client.get("/departments")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/departments")


def test_login_does_not_redirect_off_site(client):
    response = client.post("/login?next=//evil.example/x", data={"username": "office", "password": "Demo2026"})
    assert response.headers["Location"] == "/"


def test_post_without_csrf_token_is_refused(client):
    response = client.post("/login", data={"username": "office", "password": "Demo2026"}, csrf=False)
    assert response.status_code == 400
    assert "请求已失效" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_change_password(login, client):
    office = login("office")
    bad = office.post("/account/password", data={"current": "Demo2026", "new": "short", "confirm": "short"})
    assert "密码至少需要8个字符" in bad.get_data(as_text=True)
    wrong = office.post("/account/password", data={"current": "nope12345", "new": "NewPass123", "confirm": "NewPass123"})
    assert "当前密码不正确" in wrong.get_data(as_text=True)
    ok = office.post("/account/password", data={"current": "Demo2026", "new": "NewPass123", "confirm": "NewPass123"})
    assert ok.status_code == 302
    assert client.login("office").status_code == 200  # old password refused
    assert client.login("office", "NewPass123").status_code == 302


def test_passwords_are_hashed_with_scrypt(db):
    user = User.get(User.username == "office")
    assert user.password_hash.startswith("scrypt:") and "Demo2026" not in user.password_hash


def test_session_cookie_is_httponly_and_samesite(client):
    response = client.login("office")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
