"""portal: the bureau's intranet portal for online public-opinion work."""
import functools
import os

from pathlib import Path

import flask
from flask import Flask, g, has_request_context, render_template, request
from jinja2 import ChoiceLoader, FileSystemLoader
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from htmx_flask import Htmx
from werkzeug.exceptions import HTTPException
from werkzeug.local import LocalProxy
from werkzeug.routing import IntegerConverter

from portal import audit, clock, db
from portal.auth import throttle
from portal.auth.permissions import CORE_PERMISSIONS, ROLES, build_registry, merge_codes
from portal.config import disabled_plugins, load_config
from portal.inputs import MAX_ID
from portal.jobs import models as job_models
from portal.org import models as org_models
from portal.plugin_admin import stored_disabled
from portal.plugins import collect, flatten, make_plugin_manager
from portal.settings import collect_fields

csrf = CSRFProtect()
htmx = Htmx()

CORE_MODELS = org_models.MODELS + audit.MODELS + throttle.MODELS + job_models.MODELS

# status -> (title, message) of the error page; a status not listed takes 400's or 500's.
ERROR_PAGES = {
    400: ("请求有误", "提交的请求无法处理，请返回上一页检查后重试。"),
    401: ("请先登录", "此页面需要登录后才能访问。"),
    403: ("无权访问", "您的角色没有访问此页面或执行此操作的权限。如需权限，请联系系统管理员。"),
    404: ("页面不存在", "您要找的页面不存在，或已被移除。"),
    405: ("不支持的操作方式", "此页面不能以这种方式访问（例如直接打开了只用于提交表单的地址）。请从页面上的按钮或链接进入。"),
    408: ("请求超时", "请求等待时间过长，请重试。"),
    409: ("内容已被更新", "您操作的内容已被他人更新，请刷新页面后重试。"),
    410: ("页面已不再提供", "该页面已被永久移除。"),
    413: ("提交的内容过大", "提交的内容（文字或上传的文件）超过了大小限制，未作任何修改。"),
    414: ("地址过长", "页面地址过长，无法处理。请从页面上的链接进入。"),
    415: ("不支持的内容格式", "提交内容的格式无法处理，未作任何修改。"),
    429: ("操作过于频繁", "操作过于频繁，请稍后再试。"),
    431: ("请求头过大", "请求附带的信息过多，请清除浏览器缓存后重试。"),
    500: ("系统内部错误", "系统处理时出错，您的操作可能没有完成。请稍后重试；如问题持续，请联系系统管理员。"),
    501: ("功能未提供", "系统不支持此操作。"),
    503: ("系统暂时不可用", "系统正在维护或繁忙，请稍后再试。"),
    "csrf": ("请求已失效", "表单已过期或来源不明，请刷新页面后重试。"),
}

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def create_app(config=None):
    """Build the portal. ``config`` overrides every other source (tests use it)."""
    config = dict(config or {})
    instance_path = config.pop("INSTANCE_PATH", None) or os.environ.get("PORTAL_INSTANCE_PATH")
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    app.url_map.converters["int"] = KeyConverter
    load_config(app, config)
    clock.set_zone(app.config["TIME_ZONE"])
    if app.config["TRUSTED_PROXIES"]:
        # Behind N reverse proxies: the client's address and scheme come from their X-Forwarded-* headers.
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n)

    # the config's list overrides the administrator's (/admin/plugins), read before any plugin loads
    by_config = disabled_plugins(app.config)
    pm, plugin_infos = make_plugin_manager(by_config | stored_disabled(app.config["DATABASE_URL"]))
    app.extensions["portal_disabled_by_config"] = by_config
    app.extensions["portal_pm"] = pm
    app.extensions["portal_plugins"] = plugin_infos
    app.extensions["portal_roles"] = merge_codes(ROLES, pm.hook.portal_roles(), "角色")
    app.extensions["portal_department_kinds"] = merge_codes(
        org_models.DEPARTMENT_KINDS, pm.hook.portal_department_kinds(), "科室类别")
    app.extensions["portal_permissions"] = build_registry(
        [CORE_PERMISSIONS] + pm.hook.portal_permissions(), app.extensions["portal_roles"]
    )
    app.extensions["portal_settings"] = collect_fields(pm)
    app.extensions["portal_core_models"] = CORE_MODELS
    db.init_app(app, CORE_MODELS + flatten(pm.hook.portal_models()))
    from portal.jobs.queue import make_queue

    app.extensions["portal_queue"] = make_queue(app)

    csrf.init_app(app)
    htmx.init_app(app)
    _init_login(app)
    _register_blueprints(app, pm)
    _register_templates_and_errors(app, pm)
    return app


class KeyConverter(IntegerConverter):
    """<int:…> in every route: plain ASCII digits (not "١" or "１", which int() reads) and a
    number a key can hold; anything else is a 404, not a 500."""

    regex = r"[0-9]+"

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def _init_login(app):
    login = LoginManager(app)
    login.login_view = "auth.login"
    login.login_message = "请先登录。"
    login.login_message_category = "warning"
    login.session_protection = "strong"

    @login.user_loader
    def load_user(session_id):
        from portal import identity

        # A page shows the unread count and the bureau's identity in its layout: read with the user,
        # in the same statement. Not for a POST (its step may notify the user after this, and it
        # mostly redirects) nor an htmx fragment (it shows neither).
        shows_header = request.method == "GET" and not request.headers.get("HX-Request")
        user = org_models.User.from_session(session_id, _header_columns if shows_header else None)
        if user is not None and shows_header:
            g.unread_notifications = user.unread_count
            identity.read_with_user(user.identity_settings)
        return user


def _header_columns():
    from portal import identity
    from portal.cases.pages import unread_subquery

    return [unread_subquery().alias("unread_count"), identity.stored_subquery().alias("identity_settings")]


def _register_blueprints(app, pm):
    from portal.auth.permissions import PluginError

    for blueprint in flatten(pm.hook.portal_blueprints()):
        if blueprint.name in app.blueprints:
            raise PluginError(f"蓝图名称“{blueprint.name}”被重复注册，门户无法启动。")
        prefix = blueprint.url_prefix if blueprint.url_prefix is not None else f"/{blueprint.name}"
        app.register_blueprint(blueprint, url_prefix=prefix or None)


def _template_loader(app):
    """A bureau's own templates first: the instance folder's ``templates/``, then the site's
    (``SITE_TEMPLATES``, by default ``templates/`` beside the package), then the core's; the
    plugins' come after all of these (Flask asks the app's loader before any blueprint's)."""
    site = app.config.get("SITE_TEMPLATES") or Path(app.root_path).parent / "templates"
    return ChoiceLoader([FileSystemLoader(Path(app.instance_path) / "templates"), FileSystemLoader(str(site)),
                         app.jinja_loader])


def _register_templates_and_errors(app, pm):
    from portal.identity import identity

    app.jinja_loader = _template_loader(app)

    def kept(store: dict, key, build):
        """``build()``, kept in ``store`` under ``key``: at most 1,000 (keys come with requests: a
        proxy's prefix, a person's roles), past which it is built each time."""
        found = store.get(key)
        if found is None:
            found = build()
            if len(store) < 1000:
                store[key] = found
        return found

    kept_menus: dict = {}

    def navigation():
        # Once per request, and only when a template shows it: htmx fragments never do. The items
        # depend on the person's permissions alone (hookspecs.portal_nav_items), so they are kept
        # per what decides those: collected from every plugin, they were 4% of the case list's CPU.
        if "portal_nav" not in g:
            nav = []
            if current_user.is_authenticated:
                user = current_user._get_current_object()
                key = (request.script_root, tuple(user.roles), user.department_id,
                       user.department.name if user.department_id else None)
                nav = kept(kept_menus, key, lambda: collect(pm.hook.portal_nav_items, user=user))
            path = request.path
            matching = [i.url for i in nav if path == i.url or (i.url != "/" and path.startswith(i.url))]
            g.portal_nav = nav, max(matching, key=len, default=None)
        return g.portal_nav

    @functools.cache  # the plugins are the process's own: a change of plugins needs a restart
    def stylesheets():
        return list(dict.fromkeys(flatten(pm.hook.portal_stylesheets())))  # each once, in plugin order

    kept_urls: dict = {}

    def url_for(endpoint, **values):
        """Flask's url_for, kept for a URL that depends on nothing but the script root: the
        layout's eight on every page were 2–4% of its CPU time."""
        if (values.keys() - {"filename"}) or endpoint.startswith(".") or not has_request_context():
            return flask.url_for(endpoint, **values)
        key = (request.script_root, endpoint, values.get("filename"))
        return kept_urls.get(key) or kept(kept_urls, key, lambda: flask.url_for(endpoint, **values))

    app.jinja_env.globals["url_for"] = url_for

    @app.context_processor
    def portal_globals():
        return {"nav_items": LocalProxy(lambda: navigation()[0]), "nav_active": LocalProxy(lambda: navigation()[1]),
                "plugin_stylesheets": LocalProxy(stylesheets), "bureau": LocalProxy(identity)}

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        # A page and its htmx fragment share a URL: never let a cache hand one out for the other.
        response.vary.add("HX-Request")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", f"max-age={app.config['HSTS_SECONDS']}")
        # Nothing shown to a signed-in user stays in a browser's or proxy's cache (a shared office
        # PC after logout), fragments, PDFs and attachments included; only the static assets may.
        # (a response already no-store, /healthz's, need not read the signed-in user to say so)
        if "no-store" not in response.headers.get("Cache-Control", "") and (
                request.headers.get("HX-Request") or (request.endpoint != "static" and current_user.is_authenticated)):
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        return response

    @app.errorhandler(HTTPException)
    def http_error(error):
        """Every HTTP error, the portal's own and Werkzeug's (405, 400, 429 …), in Chinese and in the layout."""
        if error.code is None or error.code < 400 or error.response is not None:
            return error  # a redirect, or an error that brings its own response
        if isinstance(error, CSRFError):
            title, message = ERROR_PAGES["csrf"]
        else:
            title, message = ERROR_PAGES.get(error.code, ERROR_PAGES[500 if error.code >= 500 else 400])
        response = error.get_response()  # keeps what the error adds (Allow on a 405, Retry-After on a 429)
        try:
            page = render_template("error.html", status=error.code, title=title, message=message)
        except Exception:  # the layout needs the database, which may be what failed
            if error.code < 500:
                raise
            page = render_template("error_plain.html", status=error.code, title=title, message=message)
        response.set_data(page)
        response.content_type = "text/html; charset=utf-8"
        return response
