"""HTTPS behind a reverse proxy, and nothing a signed-in user saw left in a cache."""
import pytest

from tests.core.test_authorization_matrix import GET, ids  # noqa: F401  (the fixture)
from tests.fixtures import TOKEN, make_app
from tests.matrix import parse

PROXIED_HTTPS = {"HTTP_X_FORWARDED_FOR": "203.0.113.7", "HTTP_X_FORWARDED_PROTO": "https",
                 "HTTP_X_FORWARDED_HOST": "portal.example.gov.cn", "REMOTE_ADDR": "10.0.0.2"}


@pytest.fixture
def https_app(tmp_path, demo_template):
    return make_app(tmp_path, demo_template, HTTPS=True, TRUSTED_PROXIES=1)


def proxied_login(client, username="office", password="Demo2026"):
    """As a browser on https://portal.example.gov.cn/ reaches the portal through the proxy."""
    page = client.get("/login", environ_base=PROXIED_HTTPS)
    token = next(g for g in TOKEN.search(page.get_data(as_text=True)).groups() if g)
    return page, client.post("/login", csrf=False, environ_base=PROXIED_HTTPS,
                             headers={"Referer": "https://portal.example.gov.cn/login"},
                             data={"username": username, "password": password, "csrf_token": token})


def test_behind_an_https_proxy_cookies_are_secure_and_hsts_is_sent(https_app):
    page, response = proxied_login(https_app.test_client())
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in c and "HttpOnly" in c for c in cookies)  # the session and the device cookie
    assert {c.split("=", 1)[0] for c in cookies} == {"session", "portal_device"}


def test_the_proxy_headers_give_the_client_address(https_app):
    from portal.audit import AuditEvent
    from portal.db import database

    proxied_login(https_app.test_client(), password="wrong-1")
    with database.connection_context():
        assert AuditEvent.select().order_by(AuditEvent.id.desc()).first().ip == "203.0.113.7"


def test_without_trusted_proxies_forwarded_headers_are_ignored(app):
    client = app.test_client()
    page = client.get("/login", environ_base=PROXIED_HTTPS)
    assert "Strict-Transport-Security" not in page.headers  # plain HTTP: the header is not trusted
    response = client.post("/login", data={"username": "office", "password": "Demo2026"}, environ_base=PROXIED_HTTPS)
    assert not any("Secure" in c for c in response.headers.getlist("Set-Cookie"))


def test_every_page_a_signed_in_user_gets_is_not_stored(app, ids, login):  # noqa: F811
    client = login("office")
    seen = 0
    for route, cells in parse(GET).items():
        if cells["office"] != "200":
            continue
        response = client.get(route.format(**ids))
        assert response.status_code == 200, route
        assert "no-store" in response.headers["Cache-Control"], route  # pages, dossiers, PDFs, attachments
        seen += 1
    fragment = client.get(f"/grading/cases/{ids['normal']}/panel", headers={"HX-Request": "true"})
    assert "no-store" in fragment.headers["Cache-Control"]
    circular_pdf = client.get("/circulars/1.pdf")
    assert circular_pdf.status_code == 200 and "no-store" in circular_pdf.headers["Cache-Control"]
    assert seen > 20
    static = client.get("/static/css/portal.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")  # shared assets may be cached


