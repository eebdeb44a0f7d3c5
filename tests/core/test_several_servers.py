"""Two application servers (`portal serve`, separate processes on their own ports) behind a real
nginx over HTTPS with a self-signed certificate, sharing one PostgreSQL and one instance folder
(keys, attachments). Through the proxy: a session and its CSRF token work on both servers;
concurrent intake on both numbers the cases without a gap or a repeat; a screenshot uploaded
through one server downloads through the other; the scheduled check run by both servers at once
fires each reminder once; the failed-login throttle counts the attempts made on both servers
together, however they are spread and however many race. Skipped, with the reason, without nginx or PostgreSQL."""
import http.cookiejar
import os
import re
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest

from portal import dbcopy
from portal.audit import AuditEvent
from portal.cases.models import Attachment, Case
from portal.db import database, now
from portal.demo import DEMO_PASSWORD
from tests.core.test_db_copy import empty_postgres

ROOT = Path(__file__).resolve().parents[2]
PNG = b"\x89PNG\r\n\x1a\n" + secrets.token_bytes(2048)
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url, context=None, limit=60):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2, context=context)
            return
        except (OSError, urllib.error.URLError):
            time.sleep(0.2)
    pytest.fail(f"{url} did not come up")


NGINX_CONF = """
{user}
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fcgi;
    uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
    upstream portal {{ server 127.0.0.1:{a}; server 127.0.0.1:{b}; }}
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {tmp}/cert.pem; ssl_certificate_key {tmp}/key.pem;
        client_max_body_size 20m;
        location / {{
            proxy_pass http://portal;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $host;
            proxy_set_header X-Forwarded-Port $server_port;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


class Browser:
    """One person's cookies, over HTTPS through the proxy; notes which server answered."""

    def __init__(self, base, context):
        self.base, self.served_by = base, []
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  urllib.request.HTTPSHandler(context=context))

    def request(self, path, data=None, headers=None):
        # a browser names the page a form was posted from: over HTTPS Flask-WTF checks it is the portal
        req = urllib.request.Request(self.base + path, data=data, headers={"Referer": self.base + "/", **(headers or {})})
        try:
            response = self.opener.open(req, timeout=60)
        except urllib.error.HTTPError as exc:
            response = exc
        body = response.read()
        self.served_by.append(response.headers.get("X-Upstream"))
        return response, body

    def token(self, path):
        _, body = self.request(path)
        found = re.search(r'<input[^>]*name="csrf_token"[^>]*>', body.decode())
        return re.search(r'value="([^"]+)"', found.group(0)).group(1)

    def login(self, username):
        token = self.token("/login")
        response, body = self.request("/login", urllib.parse.urlencode(
            {"csrf_token": token, "username": username, "password": DEMO_PASSWORD}).encode())
        assert "退出" in body.decode(), body.decode()[:500]
        return response

    def intake(self, title):
        token = self.token("/cases/new")
        fields = {"csrf_token": token, "title": title, "source": "website", "category": "report",
                  "url": f"https://bbs.example.cn/servers/{secrets.token_hex(4)}", "post_text": "原帖：两台服务器。",
                  "posted_at": now().strftime("%Y-%m-%dT%H:%M"), "confidentiality": "normal",
                  "netizen_nickname": "", "netizen_contact": ""}
        boundary = secrets.token_hex(12)
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()]
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="screenshot"; filename="shot.png"\r\n'
                     f'Content-Type: image/png\r\n\r\n'.encode() + PNG + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        _, body = self.request("/cases/new", b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        assert "已受理登记" in body.decode(), body.decode()[:800]


postgres = pytest.fixture(empty_postgres, name="postgres")


@pytest.fixture
def servers(app, postgres, tmp_path):
    if not NGINX:
        pytest.skip("没有 nginx（Debian 软件包 nginx；scripts/system-deps.sh --with-browser 安装）：跳过多服务器测试")
    url = postgres()
    with app.app_context():
        dbcopy.copy(app, url)  # the demo, on a PostgreSQL of this test's own
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost", "-keyout", tmp_path / "key.pem", "-out", tmp_path / "cert.pem"],
                   check=True, capture_output=True)
    env = dict(os.environ, PORTAL_INSTANCE_PATH=app.instance_path, PORTAL_DATABASE_URL=url, PORTAL_HTTPS="true",
               PORTAL_TRUSTED_PROXIES="1", PYTHONPATH=str(ROOT))
    ports = [free_port(), free_port()]
    processes = [subprocess.Popen([sys.executable, "-m", "portal.cli", "serve", "--port", str(p), "--threads", "4"],
                                  env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT) for p in ports]
    port = free_port()
    (tmp_path / "nginx.conf").write_text(NGINX_CONF.format(
        tmp=tmp_path, a=ports[0], b=ports[1], port=port, user="user root;" if os.geteuid() == 0 else ""))
    processes.append(subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT))
    context = ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))
    try:
        for p in ports:
            wait_until_up(f"http://127.0.0.1:{p}/healthz")
        wait_until_up(f"https://localhost:{port}/healthz", context)
        yield {"base": f"https://localhost:{port}", "context": context, "env": env, "url": url,
               "upstreams": {f"127.0.0.1:{p}" for p in ports}}
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def test_two_servers_behind_nginx_over_https(app, servers):
    base, context = servers["base"], servers["context"]
    office = Browser(base, context)
    response = office.login("office")
    assert (response.headers["Strict-Transport-Security"] or "").startswith("max-age="), str(list(response.headers.items()))
    assert all(c.secure for c in office.jar), "cookies over HTTPS are Secure"
    for _ in range(4):  # the session holds on both servers
        response, body = office.request("/cases/")
        assert response.status == 200 and "舆情事项" in body.decode()
    assert set(office.served_by) == servers["upstreams"], office.served_by

    # concurrent intake through both servers: four people, two cases each
    from portal.db import open_database

    open_database(servers["url"], 2)  # this test reads what the servers wrote
    with database.connection_context():
        before = {c.number for c in Case.select(Case.number)}
    people = []
    for username in ("office", "monitor", "office", "monitor"):
        person = Browser(base, context)
        person.login(username)
        people.append(person)
    failures = []

    def work(person, n):
        try:
            for i in range(2):
                person.intake(f"两台服务器并发受理测试{n}-{i}")
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(repr(exc))

    threads = [threading.Thread(target=work, args=(p, n)) for n, p in enumerate(people)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    with database.connection_context():
        made = list(Case.select().where(Case.title.startswith("两台服务器并发受理测试")))
        numbers = sorted(c.number for c in made)
        assert len(made) == 8 and not set(numbers) & before
        serials = [int(n.rsplit("-", 1)[1]) for n in numbers]
        assert serials == list(range(serials[0], serials[0] + 8)), numbers  # no gap, no repeat
        assert serials[0] == max(int(n.rsplit("-", 1)[1]) for n in before if n.startswith(numbers[0][:8])) + 1
        shot = Attachment.get(Attachment.case == made[0].id)
    intake_servers = {s for p in people for s in p.served_by}
    assert intake_servers == servers["upstreams"]

    # uploaded through one server, downloaded through each
    seen = set()
    for _ in range(2):
        response, body = office.request(f"/cases/{made[0].id}/attachments/{shot.id}")
        assert response.status == 200 and body == PNG
        seen.add(office.served_by[-1])
    assert seen == servers["upstreams"]

    # the scheduled check, run by both servers at once, reminds once
    with database.connection_context():
        Case.update(due_at=now() + timedelta(hours=2), due_soon_fired_at=None).where(Case.id == made[1].id).execute()
    ticks = [subprocess.Popen([sys.executable, "-m", "portal.cli", "tick"], env=servers["env"], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    outputs = [t.communicate(timeout=120)[0] for t in ticks]
    assert all(t.returncode == 0 for t in ticks), outputs
    with database.connection_context():
        reminded = AuditEvent.select().where((AuditEvent.action == "case.due_soon")
                                             & (AuditEvent.summary.contains(made[1].number))).count()
    assert reminded == 1, outputs


def test_the_login_throttle_counts_attempts_on_both_servers(app, servers):
    """An account's budget (``throttle.ACCOUNT``: 10 failures, then one every 3 minutes) is one
    budget whichever server checks the password: 16 wrong guesses raced over both servers get 10
    answers and 6 refusals, and then even the right password waits, except on the user's own PC."""
    from portal.auth import throttle

    base, context = servers["base"], servers["context"]
    own = Browser(base, context)  # the user's own PC: signed in there before (the device cookie)
    own.login("head")
    own.request("/logout", urllib.parse.urlencode({"csrf_token": own.token("/logout")}).encode())

    attackers = [Browser(base, context) for _ in range(4)]
    outcomes = []

    def guess(browser):
        for _ in range(4):
            token = browser.token("/login")
            response, body = browser.request("/login", urllib.parse.urlencode(
                {"csrf_token": token, "username": "head", "password": "not-the-password"}).encode())
            outcomes.append((response.status, "用户名或密码错误" in body.decode(), "登录尝试过于频繁" in body.decode()))

    threads = [threading.Thread(target=guess, args=(b,)) for b in attackers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == [(200, True, False)] * throttle.ACCOUNT.burst + [(429, False, True)] * 6, outcomes
    checked_on = {s for b in attackers for s in b.served_by[1::2]}  # every other request is the POST
    assert checked_on == servers["upstreams"], checked_on

    for _ in range(2):  # the right password, from a browser the account never signed in from, on each server
        stranger = Browser(base, context)
        token = stranger.token("/login")
        response, body = stranger.request("/login", urllib.parse.urlencode(
            {"csrf_token": token, "username": "head", "password": DEMO_PASSWORD}).encode())
        assert response.status == 429 and "登录尝试过于频繁" in body.decode() and "退出" not in body.decode()
    own.login("head")  # their own PC is not slowed by the guessing
