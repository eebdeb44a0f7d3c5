"""The audit log names its events in Chinese: the core's labels and each plugin's
(``portal_audit_labels``). Every action recorded anywhere in the test suite is also checked by
the autouse fixture ``audit_actions_have_labels`` (portal/testing.py)."""
import ast
import inspect
import re
from pathlib import Path

from portal import audit_labels, hookspecs
from tests.core.case_helpers import register, step

ROOT = Path(__file__).parents[2]


def recorded_literal_actions() -> dict[str, str]:
    """{action: where} for every ``….record("…")`` with a literal action in the code."""
    found = {}
    for path in [*ROOT.glob("portal/**/*.py"), *ROOT.glob("plugins/**/*.py")]:
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "record":
                if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                    found[node.args[0].value] = f"{path.relative_to(ROOT)}:{node.lineno}"
                for arg in node.args[:1]:  # `"a" if x else "b"`
                    if isinstance(arg, ast.IfExp):
                        for branch in (arg.body, arg.orelse):
                            if isinstance(branch, ast.Constant):
                                found[branch.value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def case_events() -> list[str]:
    """The case events the core emits, as portal_case_event documents them."""
    doc = inspect.getdoc(hookspecs.portal_case_event)
    listed = doc.split("one of", 1)[1].split(";", 1)[0]
    return re.findall(r"[a-z_]+", listed)


def test_every_action_the_core_and_plugins_record_has_a_label(app):
    with app.app_context():
        known = audit_labels.labels()
    literal = recorded_literal_actions()
    assert len(literal) > 25 and "grading.snapshot" in literal and "circular.signed" in literal
    missing = {action: where for action, where in literal.items() if action not in known}
    assert not missing
    assert len(case_events()) == 18
    assert not [e for e in case_events() if f"case.{e}" not in known]
    assert all(re.search(r"[\u4e00-\u9fff]", label) for label in known.values())


def test_the_audit_log_shows_labels_and_keeps_the_code_in_a_tooltip(app, login):
    monitor = login("monitor")
    case = register(monitor)
    step(monitor, case, "report")
    page = login("admin").get("/admin/audit").get_data(as_text=True)
    assert '<td title="case.registered">受理登记</td>' in page
    assert '<td title="case.reported">报送</td>' in page
    assert '<td title="login">登录</td>' in page
    assert ">case.registered<" not in page and "<code>" not in page


def test_a_plugins_labels_reach_the_page(app, login):
    from portal import audit
    from portal.db import database

    with app.app_context(), database.connection_context():
        audit.record("grading.snapshot", "记录热度：点击率10人次", actor=None)
        audit.record("circular.signed", "签发，文号 示例〔2026〕1号", actor=None)
    page = login("admin").get("/admin/audit").get_data(as_text=True)
    assert '<td title="grading.snapshot">记录舆情热度</td>' in page
    assert '<td title="circular.signed">签发</td>' in page
