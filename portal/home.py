"""The home page: a dashboard of widgets that the core and plugins contribute."""
from flask import Blueprint, current_app, render_template, send_from_directory
from flask_login import current_user
from markupsafe import Markup

from portal import fragments
from portal.auth.permissions import public, requires
from portal.hookspecs import hookimpl
from portal.plugins import NavItem, Widget, collect

bp = Blueprint("home", __name__, url_prefix="")


@hookimpl
def portal_blueprints():
    return bp


@hookimpl
def portal_nav_items(user):
    return NavItem("首页", "/", order=0)


@hookimpl
def portal_dashboard_widgets(user):
    html = render_template("home/widget_me.html", user=user)
    return Widget("我的信息", Markup(html), order=900)


@bp.route("/healthz")
@public
def healthz():
    """For monitoring and load balancers: the process answers. Touches no database."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}


@bp.route("/favicon.ico")
@public
def favicon():
    """Browsers and tools ask for /favicon.ico whatever the page links: a local file, never a 404."""
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=86400)


@bp.route("/")
@requires()
def index():
    pm = current_app.extensions["portal_pm"]
    widgets = fragments.cached("dashboard", lambda: collect(pm.hook.portal_dashboard_widgets,
                                                            user=current_user._get_current_object()))
    return render_template("home/index.html", widgets=widgets)
