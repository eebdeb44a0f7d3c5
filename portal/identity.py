"""The bureau's identity: its name, the 发文机关标志, the 机关代字, the 印发机关, the footer, the logo.

Settings (``portal.settings``) with the config's ``BUREAU_*`` keys as defaults, edited by the
administrator at ``/admin/identity``; every page, form default and document reads them here,
never a name written in the code. Plugins add fields of their own to the page with
``SettingField(group="identity")`` (the circulars' 机关代字 per 文种).
"""
import base64
import hashlib
import re
from dataclasses import dataclass

from flask import Blueprint, Response, abort, current_app, flash, has_request_context, redirect, render_template, request, url_for

from portal import audit, settings
from portal.auth.permissions import public, requires
from portal.db import database, from_json
from portal.hookspecs import hookimpl
from portal.inputs import InputError, Problems, flash_problems
from portal.settings import SettingField
from portal.uploads import read_upload

PLATFORM = "网络舆情工作平台"
PREFIX_FORBIDDEN = re.compile(r"[〔〕\[\]()（）\d号第]")
LOGO_KEY = "bureau.logo"  # "type;version;base64": read only when the image is asked for
LOGO_VERSION_KEY = "bureau.logo_version"  # what every page reads: the image's URL changes with it
LOGO_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}  # never SVG: it may carry script
LOGO_MAX_BYTES = 512 * 1024


def prefix_problem(value: str) -> str | None:
    """The 机关代字's rule, for the core's default and the plugins' per-kind fields."""
    if PREFIX_FORBIDDEN.search(value):
        return "机关代字只填文字部分（如“某局发”）：年份、〔〕、序号和“号”字在签发时自动生成。"
    return None


FIELDS = [
    SettingField("bureau.name", "机关名称", max_length=60, group="identity",
                 help="全称：页脚、发文机关和发文署名的默认值。"),
    SettingField("bureau.short_name", "简称", max_length=20, group="identity",
                 help="显示在每页左上角，如“市能源局”；不填则只显示“网络舆情工作平台”。"),
    SettingField("bureau.mark", "发文机关标志", max_length=24, group="identity",
                 help="公文红头上的文字；不填则为“机关名称＋文件”。"),
    SettingField("bureau.prefix", "机关代字", max_length=20, group="identity", validate=prefix_problem,
                 help="发文字号中的机关代字，只填文字部分；各文种可在下方另设。"),
    SettingField("bureau.printed_by", "印发机关", max_length=60, group="identity",
                 help="公文版记中的印发机关；不填则为“机关名称＋办公室”。"),
    SettingField("bureau.footer", "页脚文字", max_length=100, group="identity",
                 help="每页底部的文字；不填则为“机关名称 · 网络舆情工作平台 · 内网使用”。"),
]


@dataclass(frozen=True)
class Identity:
    name: str = ""
    short_name: str = ""
    mark: str = ""
    prefix: str = ""
    printed_by: str = ""
    footer: str = ""
    logo_version: str = ""  # empty: no logo

    @property
    def brand(self) -> str:
        return f"{self.short_name}{PLATFORM}"

    @property
    def logo_url(self) -> str:
        return url_for("identity.logo", v=self.logo_version) if self.logo_version else ""


def identity() -> Identity:
    """The identity in force, read once per request: with the signed-in user when they were read
    (``stored_subquery``), else on its own (the login page, a script)."""
    cached = getattr(request, "portal_identity", None) if has_request_context() else None
    if cached is not None:
        return cached
    stored = getattr(request, "portal_identity_stored", None) if has_request_context() else None
    read = settings.values(FIELDS, also=[LOGO_VERSION_KEY], stored=stored)
    v = {key.split(".", 1)[1]: (value or "") for key, value in read.items()}
    name = v["name"]
    found = Identity(
        name=name, short_name=v["short_name"], prefix=v["prefix"],
        mark=v["mark"] or (f"{name}文件" if name else ""),
        printed_by=v["printed_by"] or (f"{name}办公室" if name else ""),
        footer=v["footer"] or " · ".join(part for part in (name, PLATFORM, "内网使用") if part),
        logo_version=v["logo_version"],
    )
    if has_request_context():
        request.portal_identity = found
    return found


def stored_subquery():
    """The identity's stored settings as one column of another statement (the session user's)."""
    return settings.stored_subquery([f.key for f in FIELDS] + [LOGO_VERSION_KEY])


def read_with_user(column):
    """This request's identity from the ``stored_subquery`` column read with the user."""
    request.portal_identity_stored = from_json(column)


def forget():
    """After a change: the next read of this request sees it."""
    if has_request_context():
        request.portal_identity = request.portal_identity_stored = None


def set_identity(values: dict):
    """Store identity settings as they are (the demo, a script): ``{"bureau.name": …}``."""
    for key, value in values.items():
        settings.set_setting(key, value)
    forget()


bp = Blueprint("identity", __name__, url_prefix="")


@hookimpl
def portal_blueprints():
    return bp


@hookimpl
def portal_settings():
    return FIELDS


@hookimpl
def portal_audit_labels():
    return {"bureau.changed": "修改机关信息"}


def identity_fields() -> list[tuple[str, list[SettingField]]]:
    """(heading, fields) of the identity page: the core's, then each plugin's."""
    groups: dict[str, list[SettingField]] = {}
    for owner, fields in current_app.extensions["portal_settings"].items():
        for f in fields:
            if f.group == "identity":
                groups.setdefault(f.section or ("机关信息" if owner == "core" else owner), []).append(f)
    return list(groups.items())


def _read_logo(problems: Problems):
    """The uploaded logo as the stored text ("type;version;base64"), "" to remove it, None: unchanged."""
    if request.form.get("remove_logo"):
        return ""
    upload = request.files.get("logo")
    if upload is None or not upload.filename:
        return None
    found = problems.read(read_upload, upload)
    if found is None:
        return None
    if found.content_type not in LOGO_TYPES:
        problems.add("标志图只能是 PNG、JPEG、GIF 或 WebP 图片。")
    elif len(found.data) > LOGO_MAX_BYTES:
        problems.add(f"标志图不能超过{LOGO_MAX_BYTES // 1024}KB。")
    else:
        version = hashlib.sha256(found.data).hexdigest()[:12]
        return f"{found.content_type};{version};{base64.b64encode(found.data).decode('ascii')}"
    return None


@bp.route("/admin/identity", methods=["GET", "POST"])
@requires("admin.identity")
def edit():
    groups = identity_fields()
    fields = [f for _, group in groups for f in group]
    shown = settings.values(fields)
    if request.method == "POST":
        problems = Problems()
        parsed = problems.read(settings.parse_form, fields, request.form) or {}
        logo = _read_logo(problems)
        try:
            problems.check()
        except InputError as error:
            flash_problems(error)
            shown = {f.key: (request.form.get(f.key) if f.type != "bool" else bool(request.form.get(f.key)))
                     for f in fields}
            return _page(groups, shown), 400
        with database.atomic():
            changed = settings.save(fields, parsed)
            if logo is not None and logo != (settings.get_setting(LOGO_KEY) or ""):
                settings.set_setting(LOGO_KEY, logo)
                settings.set_setting(LOGO_VERSION_KEY, logo.split(";", 2)[1] if logo else "")
                changed[LOGO_KEY] = "已删除" if logo == "" else "已上传新图"
            if changed:
                audit.record("bureau.changed", "修改机关信息：" + "、".join(_label(k) for k in changed), **changed)
        forget()
        flash("已保存机关信息。" if changed else "没有修改。", "success")
        return redirect(url_for("identity.edit"))
    return _page(groups, shown)


def _page(groups, shown):
    """The form; an empty box shows, greyed, what is used in its place."""
    now = identity()
    placeholders = {"bureau.mark": now.mark, "bureau.printed_by": now.printed_by, "bureau.footer": now.footer}
    placeholders.update({f.key: now.prefix for _, fields in groups for f in fields
                         if f.key.startswith("circulars.prefix.")})
    return render_template("admin/identity.html", groups=groups, shown=shown, bureau_now=now, placeholders=placeholders)


def _label(key: str) -> str:
    if key == LOGO_KEY:
        return "标志图"
    field = settings.declared_fields().get(key)
    return field.label if field else key


@bp.route("/bureau/logo")
@public
def logo():
    """The uploaded logo: shown on the login page too, so served to anyone."""
    stored = settings.get_setting(LOGO_KEY) or ""
    if stored.count(";") < 2:
        abort(404)
    content_type, _, data = stored.split(";", 2)
    response = Response(base64.b64decode(data), mimetype=content_type)
    response.headers["Cache-Control"] = "public, max-age=86400"  # the URL changes with the image
    return response
