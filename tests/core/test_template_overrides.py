"""A bureau's own templates: a file of the same name in the instance folder's ``templates/``
replaces the package's (the login page) or a plugin's (the circulars' list), the site's
``templates/`` (SITE_TEMPLATES) comes next, and removing the file brings the default back."""
from portal import create_app
from tests.fixtures import PortalClient, make_app

LOGIN = """{% extends "layout.html" %}{% block title %}登录{% endblock %}
{% block content %}<h1>本局自定义登录页</h1><form method="post">{{ form.hidden_tag() }}{{ form.username() }}{{ form.password() }}
<button type="submit">登录</button></form>{% endblock %}"""


def restart(app):
    new = create_app({"INSTANCE_PATH": app.instance_path, "TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"],
                      "SITE_TEMPLATES": app.config.get("SITE_TEMPLATES")})
    new.test_client_class = PortalClient
    return new


def body(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_instance_folder_overrides_the_login_page_and_a_plugin_page(tmp_path, demo_template):
    app = make_app(tmp_path, demo_template, SITE_TEMPLATES=str(tmp_path / "no-site"))
    overrides = tmp_path / "instance" / "templates"
    (overrides / "auth").mkdir(parents=True)
    (overrides / "auth" / "login.html").write_text(LOGIN, encoding="utf-8")
    (overrides / "circulars").mkdir()
    (overrides / "circulars" / "index.html").write_text(
        '{% extends "layout.html" %}{% block content %}<h1>本局收发文</h1>{% endblock %}', encoding="utf-8")
    app = restart(app)
    client = app.test_client()
    page = body(client, "/login")
    assert "本局自定义登录页" in page and "忘记密码请联系系统管理员重置" not in page
    assert client.login("office").status_code == 302  # the override's form still signs in
    assert "本局收发文" in body(client, "/circulars/")
    # removed: the defaults are back at the next start
    (overrides / "auth" / "login.html").unlink()
    (overrides / "circulars" / "index.html").unlink()
    app = restart(app)
    client = app.test_client()
    assert "忘记密码请联系系统管理员重置" in body(client, "/login")
    client.login("office")
    assert "本局收发文" not in body(client, "/circulars/")


def test_the_site_folder_comes_after_the_instance_folder(tmp_path, demo_template):
    site = tmp_path / "site-templates"
    (site / "auth").mkdir(parents=True)
    (site / "auth" / "login.html").write_text(LOGIN.replace("本局自定义登录页", "站点登录页"), encoding="utf-8")
    app = make_app(tmp_path, demo_template, SITE_TEMPLATES=str(site))
    assert "站点登录页" in body(app.test_client(), "/login")
    instance = tmp_path / "instance" / "templates" / "auth"
    instance.mkdir(parents=True)
    (instance / "login.html").write_text(LOGIN.replace("本局自定义登录页", "实例登录页"), encoding="utf-8")
    assert "实例登录页" in body(restart(app).test_client(), "/login")


def test_the_repository_templates_folder_is_the_default_site_folder(app):
    from pathlib import Path

    import portal

    assert (Path(portal.__file__).parent.parent / "templates" / "README.md").exists()
    loader = app.jinja_loader.loaders[1]
    assert Path(loader.searchpath[0]) == Path(portal.__file__).parent.parent / "templates"
