"""The bureau's identity (/admin/identity) as the administrator sets it and everyone then sees it:
the footer, the brand at the top of every page, the login page, the logo; refused input changes nothing; the
config's BUREAU_* keys are the defaults."""
import io

from portal.audit import AuditEvent
from portal.db import database
from portal.documents.measure import MeasuredPdf
from portal.settings import Setting
from tests.fixtures import make_app

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")

NEW = {"bureau.name": "青山市能源局", "bureau.short_name": "青山能源局", "bureau.mark": "",
       "bureau.prefix": "青能发", "bureau.printed_by": "", "bureau.footer": "", "circulars.prefix.letter": "青能函"}


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def stored():
    with database.connection_context():
        return {s.key: s.value for s in Setting.select()}


def test_the_demo_bureau_is_shown(app, login, client):
    home = page(login("office"), "/")
    assert "<footer class=\"footer\">鄂尔多斯市能源局 · 网络舆情工作平台 · 内网使用</footer>" in home
    assert "市能源局网络舆情工作平台</a>" in home
    assert "鄂尔多斯市能源局 · 网络舆情工作平台" in page(client, "/login")


def test_a_new_identity_shows_everywhere_at_once(app, login, client):
    admin = login("admin")
    form = page(admin, "/admin/identity")
    assert 'name="bureau.name"' in form and 'value="鄂尔多斯市能源局"' in form
    assert "各文种的机关代字" in form and 'name="circulars.prefix.letter"' in form
    response = admin.post("/admin/identity", data=dict(NEW))
    assert response.status_code == 302
    home = page(login("staff"), "/")
    assert "<footer class=\"footer\">青山市能源局 · 网络舆情工作平台 · 内网使用</footer>" in home
    assert "青山能源局网络舆情工作平台</a>" in home and "鄂尔多斯" not in home
    login_page = page(client, "/login")
    assert "青山市能源局 · 网络舆情工作平台" in login_page and "鄂尔多斯" not in login_page
    shown = page(admin, "/admin/identity")
    assert "青山市能源局文件" in shown and "青山市能源局办公室" in shown  # the derived defaults, previewed
    assert "修改机关信息：机关名称、简称、机关代字、函" in page(admin, "/admin/audit")
    # the documents the portal prints: the case dossier's heading
    dossier = login("office").get("/documents/cases.dossier/1.pdf")
    assert "青山市能源局网络舆情事项案卷" in MeasuredPdf(dossier.data).text().replace("\n", "")
    # a footer of its own
    admin.post("/admin/identity", data=dict(NEW, **{"bureau.footer": "青山市能源局信息中心维护"}))
    assert "<footer class=\"footer\">青山市能源局信息中心维护</footer>" in page(login("staff"), "/")


def test_refused_input_names_every_problem_and_changes_nothing(app, login):
    admin = login("admin")
    before = stored()
    with database.connection_context():
        events = AuditEvent.select().count()
    response = admin.post("/admin/identity", data=dict(
        NEW, **{"bureau.name": "局" * 61, "bureau.prefix": "青能发〔2026〕", "circulars.prefix.letter": "青能函3",
                "bureau.mark": "第一行\n第二行"}))
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "“机关名称”不能超过60个字。" in body and "“发文机关标志”只能有一行。" in body
    assert body.count("机关代字只填文字部分") == 2
    assert 'value="青能发〔2026〕"' in body  # what was typed stays
    assert stored() == before
    with database.connection_context():
        assert AuditEvent.select().count() == events


def test_the_logo_is_checked_stored_and_served(app, login, client):
    admin = login("admin")
    refused = admin.post("/admin/identity", data=dict(NEW, logo=(io.BytesIO(b"%PDF-1.4 not an image"), "logo.pdf")),
                         content_type="multipart/form-data")
    assert refused.status_code == 400 and "标志图只能是 PNG、JPEG、GIF 或 WebP 图片。" in refused.get_data(as_text=True)
    assert "bureau.logo" not in stored() and client.get("/bureau/logo").status_code == 404
    svg = admin.post("/admin/identity", data=dict(NEW, logo=(io.BytesIO(b"<svg onload='x'/>"), "logo.png")),
                     content_type="multipart/form-data")
    assert svg.status_code == 400 and "bureau.logo" not in stored()
    assert admin.post("/admin/identity", data=dict(NEW, logo=(io.BytesIO(PNG), "标志.png")),
                      content_type="multipart/form-data").status_code == 302
    login_page = page(client, "/login")
    assert 'class="login-logo"' in login_page and "/bureau/logo?v=" in login_page
    served = client.get("/bureau/logo")
    assert served.status_code == 200 and served.mimetype == "image/png" and served.data == PNG
    assert 'class="brand-logo"' in page(login("staff"), "/")
    admin.post("/admin/identity", data=dict(NEW, remove_logo="1"))
    assert client.get("/bureau/logo").status_code == 404 and "login-logo" not in page(client, "/login")


def test_the_config_gives_the_defaults(tmp_path, demo_template):
    app = make_app(tmp_path, demo_template, BUREAU_NAME="白河县发展和改革局", BUREAU_FOOTER="白河县发改局 · 内网")
    with database.connection_context():
        Setting.delete().where(Setting.key.startswith("bureau.")).execute()
    client = app.test_client()
    assert "白河县发展和改革局 · 网络舆情工作平台" in page(client, "/login")
    assert "<footer class=\"footer\">白河县发改局 · 内网</footer>" in page(client, "/login")


def test_a_portal_without_an_identity_names_no_bureau(tmp_path, demo_template):
    app = make_app(tmp_path, demo_template)
    with database.connection_context():
        Setting.delete().where(Setting.key.startswith("bureau.")).execute()
    login_page = page(app.test_client(), "/login")
    assert "<footer class=\"footer\">网络舆情工作平台 · 内网使用</footer>" in login_page
    assert "<title>登录 · 网络舆情工作平台</title>" in login_page


def test_no_bureau_name_is_written_in_the_code():
    """The bureau's name comes from its identity settings: outside the demo data and the tests,
    no Python file or template of the portal, its plugins or the examples names it."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    found = []
    for folder in ("portal", "plugins", "examples", "templates"):
        for path in (root / folder).rglob("*"):
            if path.suffix not in (".py", ".html", ".tmpl") or "tests" in path.parts or "demo" in path.name:
                continue
            text = path.read_text(encoding="utf-8")
            found += [f"{path.relative_to(root)}: {word}" for word in ("鄂尔多斯", "鄂能局") if word in text]
    assert not found, found
