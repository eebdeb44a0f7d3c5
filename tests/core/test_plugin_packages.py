"""A plugin as a department makes one: ``portal plugin new``, or the example in examples/,
pip-installed into a virtual environment of its own beside the portal; its own tests pass there
and its page answers from a real server. About half a minute each; run in the SQLite pass only
(packaging does not depend on the database; the plugins' fixtures run on PostgreSQL in its pass)."""
import os
import shutil

import pytest

from tests.core.live_server import Browser, LiveServer
from tests.core.plugin_venv import ROOT, Venv

pytestmark = pytest.mark.skipif(bool(os.environ.get("PORTAL_TEST_DATABASE_URL")),
                                reason="插件打包与安装与数据库无关：只在 SQLite 一轮运行（已设置 PORTAL_TEST_DATABASE_URL）")


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    return Venv(tmp_path_factory.mktemp("venv") / "venv")


def serve(venv, tmp_path) -> LiveServer:
    """The venv's own ``portal serve`` on a new demo database."""
    server = LiveServer(tmp_path / "instance", env=venv.env, portal=venv.path / "bin" / "portal")
    server.init_demo()
    return server.start()


def test_a_scaffolded_plugin_installs_passes_its_tests_and_serves_its_page(venv, tmp_path):
    venv.run(venv.path / "bin" / "portal", "plugin", "new", "ledger", "--label", "电力台账", "--dir", tmp_path)
    project = tmp_path / "ledger"
    venv.pip_install(str(project))  # a regular install: the templates must travel as package data
    shutil.rmtree(project / "ledger")  # the installed copy is tested and served, not the source
    assert " passed" in venv.pytest(project).stdout
    server = serve(venv, tmp_path)
    try:
        page = Browser(server.base, "head").get("/ledger/")  # 电力科's head: the scaffold's default department
        assert page.status == 200 and "电力台账" in page.read().decode()
    finally:
        server.stop()


def test_the_example_plugin_installs_and_passes_its_tests(venv, tmp_path):
    project = tmp_path / "safety_register"
    shutil.copytree(ROOT / "examples" / "safety_register", project,
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "build"))
    venv.pip_install(str(project))
    shutil.rmtree(project / "safety_register")  # its tests run against the installed package
    assert " passed" in venv.pytest(project).stdout
