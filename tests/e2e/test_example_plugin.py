"""The example department plugin (examples/safety_register), pip-installed into a virtual
environment of its own and served by that environment's `portal serve`, used in Chromium:
安全监管科's liaison registers a risk on the register, resolves it, and finds the register on
the department's page and the home page; 电力科's head finds none of it."""
import re
from pathlib import Path
import shutil

import pytest

pytest.importorskip("playwright.sync_api", reason="未安装 playwright：pip install -e '.[test]'")
from playwright.sync_api import expect

from tests.core.live_server import LiveServer
from tests.core.plugin_venv import ROOT, Venv
from tests.e2e.conftest import Pages, accessible


@pytest.fixture(scope="module")
def safety_server(tmp_path_factory):
    base = tmp_path_factory.mktemp("safety")
    venv = Venv(base / "venv")
    shutil.copytree(ROOT / "examples" / "safety_register", base / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "build"))
    venv.pip_install(str(base / "src"))
    server = LiveServer(base / "instance", env=venv.env, portal=venv.path / "bin" / "portal", worker=True)
    for key in ("PORTAL_DATABASE_URL", "DATABASE_URL"):
        server.env.pop(key, None)
    server.init_demo()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def pages(browser, safety_server, request):
    opened = Pages(browser, safety_server, {})
    request.node._e2e_pages = opened
    yield opened
    opened.close()


def test_the_safety_liaison_keeps_the_register(pages):
    liaison = pages.login("safety_liaison")
    expect(liaison.locator(".widget, section", has_text="安全生产舆情风险").first).to_contain_text("在控风险")
    liaison.get_by_role("link", name="风险台账").first.click()
    expect(liaison).to_have_url(re.compile(r"/safety/$"))
    expect(liaison.get_by_role("heading", name="安全生产舆情风险台账")).to_be_visible()
    accessible(liaison)

    liaison.get_by_role("button", name="登记").click()  # empty: the browser's own check stops it
    liaison.get_by_label("风险事项").fill("某电厂粉尘爆炸视频被误传为本地")
    liaison.get_by_label("所属领域").select_option(label="电力")
    liaison.get_by_label("风险等级").select_option(label="中")
    liaison.get_by_label("防范措施").fill("联系电厂核实，准备答复口径。")
    liaison.get_by_role("button", name="登记").click()
    expect(liaison.locator("#messages, .flash").first).to_contain_text("风险已登记")
    row = liaison.locator("tr", has_text="某电厂粉尘爆炸视频被误传为本地")
    expect(row).to_contain_text("电力")
    row.get_by_role("button", name="标记消除").click()
    expect(liaison.locator("tr", has_text="某电厂粉尘爆炸视频被误传为本地")).to_contain_text("已消除")

    liaison.goto("/departments")
    liaison.get_by_role("link", name="安全监管科").first.click()
    expect(liaison.get_by_role("heading", name="安全生产舆情风险台账")).to_be_visible()
    liaison.get_by_role("link", name="打开风险台账").click()
    liaison.get_by_role("link", name="本月台账（PDF）").click()  # made in the background: its job page
    with liaison.expect_download(timeout=60_000) as download:  # a cap on the wait, not a timing
        liaison.get_by_role("link", name="下载").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")


def test_another_departments_head_sees_none_of_it(pages):
    head = pages.login("head")
    expect(head.get_by_role("link", name="风险台账")).to_have_count(0)
    assert "在控风险" not in head.content()
    head.goto("/safety/")
    assert "安全生产舆情风险台账" not in head.content()
