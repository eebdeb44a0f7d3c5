"""End-to-end tests: a real `portal serve` on a free loopback port with a temporary SQLite
instance and the demo data, driven by Debian's headless Chromium through Playwright.

One server and one browser for all of these tests (package-scoped fixtures: started at the first
e2e test, stopped after the last, so neither outlives them in a whole-suite run); a fresh browser
context (cookies, storage) for every user in every test. A failing test leaves a screenshot and the HTML of each page it had
open, and the tail of the server's log, under test-artifacts/e2e/.

Skipped when PORTAL_TEST_DATABASE_URL is set (the PostgreSQL pass: these tests bring their own
SQLite server, so they run once, in the SQLite pass). Without Chromium they are skipped on a
developer's machine (`make system-deps` as root installs it) and fail under CI.
"""
import os
import re
import struct
import subprocess
import time
import urllib.request
import zlib
from pathlib import Path

import pytest

from tests.core.live_server import PORTAL, Browser, LiveServer
from tests.e2e import a11y

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE.parents[1] / "test-artifacts" / "e2e"
CHROMIUM = os.environ.get("PORTAL_E2E_CHROMIUM", "/usr/bin/chromium")
# As root, offline: no sandbox, no GPU, and none of Chromium's own calls home.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PASSWORD = "Demo2026"
TIMEOUT_MS = 10_000


def _why_not() -> str | None:
    """Why the e2e tests cannot run here, or None."""
    if os.environ.get("PORTAL_TEST_DATABASE_URL"):
        return "端到端测试自带 SQLite 服务器，只在 SQLite 一轮运行（已设置 PORTAL_TEST_DATABASE_URL）"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "未安装 playwright：pip install -e '.[test]'"
    if not os.access(CHROMIUM, os.X_OK):
        return f"没有 {CHROMIUM}：以 root 运行 make system-deps 安装 Debian 的 chromium"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _why_not()
    if reason is None or (os.environ.get("CI") and not os.environ.get("PORTAL_TEST_DATABASE_URL")):
        return  # under CI, whose machine installs Chromium (scripts/system-deps.sh), the browser fixture fails instead
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.skip(reason=reason))


# -- the server --------------------------------------------------------------------------------

class LoggedServer(LiveServer):
    """A LiveServer whose output goes to a log file, copied next to a failing test's screenshots."""

    def start(self, timeout=30):
        self.log = self.instance / "server.log"
        self._log_file = self.log.open("ab")
        self.process = subprocess.Popen(
            [str(PORTAL), "serve", "--host", "127.0.0.1", "--port", str(self.port), "--threads", "4",
             *(["--worker"] if self.worker else [])],
            env=self.env, stdout=self._log_file, stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the server exited:\n" + self.log.read_text(errors="replace")[-3000:])
            try:
                if urllib.request.urlopen(self.base + "/healthz", timeout=1).status == 200:
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start:\n" + self.log.read_text(errors="replace")[-3000:])

    def stop(self):
        super().stop()
        self._log_file.close()

    def log_tail(self, chars=20_000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


@pytest.fixture(scope="package")
def server(tmp_path_factory):
    """`portal serve` with the demo data (users admin, leader, office, monitor, head, … password Demo2026)."""
    instance = tmp_path_factory.mktemp("e2e-instance")
    live = LoggedServer(instance, worker=True)  # PDFs beyond the cache are background jobs
    for key in ("PORTAL_DATABASE_URL", "DATABASE_URL"):  # always its own SQLite file
        live.env.pop(key, None)
    live.init_demo()
    live.start()
    yield live
    live.stop()


@pytest.fixture(scope="package")
def http(server):
    """``http("office")``: a logged-in urllib session, to set up data without clicking (cached per user)."""
    sessions = {}

    def _http(username):
        if username not in sessions:
            sessions[username] = Browser(server.base, username, PASSWORD)
        return sessions[username]
    return _http


def register_case(http, title, *, report=False, **fields) -> int:
    """A case registered by the monitor over HTTP (and reported, if asked); its id. For tests whose
    subject is a later step, so that each test has cases of its own."""
    monitor = http("monitor")
    data = {"title": title, "source": "weibo", "category": "consult", "posted_at": time.strftime("%Y-%m-%dT%H:%M"),
            "post_text": f"{title}（端到端测试）", "confidentiality": "normal", **fields}
    response = monitor.post("/cases/new", data)
    assert response.status == 302, response.read().decode()[-2000:]
    case_id = int(re.search(r"/cases/(\d+)$", response.headers["Location"]).group(1))
    if report:
        page = monitor.get(f"/cases/{case_id}").read().decode()
        version = re.search(r'name="version" value="(\d+)"', page).group(1)
        assert monitor.post(f"/cases/{case_id}/do/report", {"version": version}).status == 302
    return case_id


def plugin_enabled(name: str) -> bool:
    from importlib.metadata import entry_points

    disabled = {n.strip() for n in os.environ.get("PORTAL_DISABLED_PLUGINS", "").split(",") if n.strip()}
    return name not in disabled and any(ep.name == name for ep in entry_points(group="portal.plugins"))


# -- the browser -------------------------------------------------------------------------------

@pytest.fixture(scope="package")
def browser():
    if _why_not():
        pytest.fail(_why_not())
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        # Playwright's launch gives Chromium a fresh temporary profile (user-data-dir) every time.
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Pages:
    """The pages a test opened, one fresh browser context per user, closed after the test."""

    def __init__(self, browser, server, sessions):
        self.browser, self.server, self.sessions = browser, server, sessions
        self.opened = []  # (label, context, page)

    def new(self, label="anonymous", storage_state=None):
        context = self.browser.new_context(base_url=self.server.base, locale="zh-CN", timezone_id="Asia/Shanghai",
                                           viewport={"width": 1280, "height": 900}, accept_downloads=True,
                                           storage_state=storage_state)
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        self.opened.append((label, context, page))
        return page

    def login(self, username, password=PASSWORD, fresh=False):
        """A new context as ``username``, on the home page. The first time in the session (or
        with ``fresh``) through the login form; after that with the cookies that login gave, as
        a browser that stayed logged in (each password check costs the server a fraction of a second)."""
        if not fresh and username in self.sessions:
            page = self.new(username, storage_state=self.sessions[username])
            page.goto("/")
            if page.url == self.server.base + "/":
                return page
        page = self.new(username)
        page.goto("/login")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(self.server.base + "/")
        if not fresh:
            self.sessions[username] = page.context.storage_state()
        return page

    def close(self):
        for _, context, _ in self.opened:
            try:
                context.close()
            except Exception:  # already gone with the browser
                pass


@pytest.fixture(scope="package")
def _sessions():
    return {}


@pytest.fixture
def pages(browser, server, request, _sessions):
    opened = Pages(browser, server, _sessions)
    request.node._e2e_pages = opened
    yield opened
    opened.close()


# -- helpers the tests share -------------------------------------------------------------------

def settle(page):
    """Wait until htmx has no request in flight and the lazily loaded panels have arrived."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request') && ![...document.querySelectorAll('[hx-trigger=load]')]"
        ".some(el => el.textContent.includes('加载中'))")


def accessible(page, tab_stops=12):
    """Assert the basic accessibility checks (tests/e2e/a11y.py) on the page now shown."""
    settle(page)
    problems = a11y.check(page, tab_stops=tab_stops)
    assert not problems, "accessibility:\n" + "\n".join(problems)


def unread_count(page) -> int:
    """The number in the header's notification link (its aria-label says 通知，N条未读)."""
    label = page.locator("#notification-count").get_attribute("aria-label")
    return int(re.search(r"(\d+)条未读", label).group(1))


def png_bytes(width=8, height=8, rgb=(200, 30, 30)) -> bytes:
    """A small, valid PNG."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    row = b"\x00" + bytes(rgb) * width
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b""))


# -- evidence of a failure ---------------------------------------------------------------------

def _slug(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("tests/e2e/", 1)[-1]).strip("_")[:150]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when not in ("setup", "call") or not report.failed:
        return
    opened = getattr(item, "_e2e_pages", None)
    if opened is None:
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    slug = _slug(item.nodeid)
    for old in ARTIFACTS.glob(slug + "-*"):
        old.unlink()
    saved = []
    for n, (label, _, page) in enumerate(opened.opened, start=1):
        stem = ARTIFACTS / f"{slug}-{n}-{label}"
        try:
            if page.is_closed():
                continue
            page.screenshot(path=f"{stem}.png", full_page=True, timeout=5000)
            saved.append(f"{stem}.png")
            Path(f"{stem}.html").write_text(f"<!-- {page.url} -->\n" + page.content(), encoding="utf-8")
            saved.append(f"{stem}.html")
        except Exception as exc:  # the evidence must never hide the failure
            saved.append(f"{stem}: 无法保存（{exc.__class__.__name__}: {exc}）")
    log = opened.server.log_tail() if hasattr(opened.server, "log_tail") else ""
    if log:
        Path(ARTIFACTS / f"{slug}-server.log").write_text(log, encoding="utf-8")
        saved.append(str(ARTIFACTS / f"{slug}-server.log"))
    if saved:
        report.sections.append(("e2e artifacts", "\n".join(saved)))
