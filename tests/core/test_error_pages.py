"""Every HTTP error, whoever raises it (a view, Werkzeug's routing, the CSRF check), is a Chinese
page in the portal's layout, with the status kept."""
import pytest
from flask import abort

from portal.auth.permissions import requires

LAYOUT = "能源局网络舆情工作平台"  # the layout's brand: the page is the portal's, not Werkzeug's


def _chinese_page(response, status, title):
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert LAYOUT in page and title in page, page[:500]
    assert "<title>" in page and "Not Allowed" not in page and "Bad Request" not in page
    assert "The method is not allowed" not in page and "Internal Server Error" not in page
    return page


def test_method_not_allowed_is_chinese_and_keeps_allow(login):
    response = login("office").post("/cases/todo")  # a page that only answers GET
    _chinese_page(response, 405, "不支持的操作方式")
    assert "GET" in response.headers["Allow"]


def test_errors_raised_by_views_are_chinese(tmp_path, demo_template):
    from tests.fixtures import make_app

    app = make_app(tmp_path, demo_template, PROPAGATE_EXCEPTIONS=False)

    @app.route("/test-abort/<int:code>")
    @requires()
    def raise_code(code):
        abort(code)

    @app.route("/test-crash")
    @requires()
    def crash():
        raise RuntimeError("boom")

    client = app.test_client()
    assert client.login("office").status_code == 302
    for code, title in ((400, "请求有误"), (409, "内容已被更新"), (410, "页面已不再提供"), (418, "请求有误"),
                        (429, "操作过于频繁"), (503, "系统暂时不可用")):
        _chinese_page(client.get(f"/test-abort/{code}"), code, title)
    page = _chinese_page(client.get("/test-crash"), 500, "系统内部错误")
    assert "boom" not in page


@pytest.mark.parametrize("path, status, title", [
    ("/no/such/page", 404, "页面不存在"),
    ("/admin/users", 403, "无权访问"),
])
def test_portal_errors_keep_their_pages(login, path, status, title):
    _chinese_page(login("office").get(path), status, title)


def test_csrf_failure_is_chinese(login):
    response = login("office").post("/notifications/read", data={}, csrf=False)
    _chinese_page(response, 400, "请求已失效")


def test_redirects_are_not_error_pages(login):
    response = login("office").get("/cases")  # Werkzeug's slash redirect is an HTTPException too
    assert response.status_code in (301, 308) and response.headers["Location"].endswith("/cases/")
