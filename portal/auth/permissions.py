"""Roles, permissions and the one decorator every route uses."""
from dataclasses import dataclass, field
from functools import wraps

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

# The core's roles; plugins add theirs with portal_roles (roles() gives them all).
ROLES = {
    "admin": "系统管理员",
    "leader": "局领导",
    "office": "领导小组办公室/信息中心",
    "monitor": "网络评论员",
    "dept_head": "科室负责人",
    "staff": "科室工作人员",
    "liaison": "联络员",
}


@dataclass(frozen=True)
class Permission:
    name: str
    label: str
    roles: tuple[str, ...] = field(default_factory=tuple)


class PluginError(RuntimeError):
    """A plugin cannot be loaded as it is; the message says why, in Chinese."""


CORE_PERMISSIONS = [
    Permission("admin.users", "管理用户与科室", ("admin",)),
    Permission("admin.plugins", "管理插件", ("admin",)),
    Permission("admin.identity", "设置机关信息", ("admin",)),
    Permission("admin.audit", "查看审计日志", ("admin", "office")),
]


def merge_codes(core: dict[str, str], declared, what: str) -> dict[str, str]:
    """The core's ``{code: 中文名}`` and those plugins declare (``portal_roles``,
    ``portal_department_kinds``), in that order; a code declared twice stops the start."""
    merged = dict(core)
    for codes in declared:
        for code, label in (codes or {}).items():
            if code in merged:
                raise PluginError(f"{what}“{code}”被重复定义，门户无法启动。请停用其中一个插件。")
            merged[code] = label
    return merged


def roles() -> dict[str, str]:
    """Every role of the running portal: the core's and the plugins'."""
    return current_app.extensions["portal_roles"]


def build_registry(groups: list[list[Permission]], known_roles: dict[str, str] = ROLES) -> dict[str, Permission]:
    """Merge permission lists; a name defined twice is an error."""
    registry: dict[str, Permission] = {}
    for group in groups:
        for perm in group or []:
            if perm.name in registry:
                raise PluginError(f"权限“{perm.name}”被重复定义，门户无法启动。请停用其中一个插件。")
            unknown = set(perm.roles) - set(known_roles)
            if unknown:
                raise PluginError(f"权限“{perm.name}”引用了不存在的角色：{'、'.join(sorted(unknown))}")
            registry[perm.name] = perm
    return registry


def role_can(roles, permission: str) -> bool:
    perm = current_app.extensions["portal_permissions"].get(permission)
    if perm is None:
        raise LookupError(f"unknown permission {permission!r}")
    return bool(set(roles) & set(perm.roles))


def requires(*permissions: str):
    """Allow a view to logged-in users holding every one of ``permissions``.

    ``@requires()`` with no permission means: any logged-in user.
    """
    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("auth.login", next=request.full_path))
            for permission in permissions:
                if not current_user.can(permission):
                    abort(403)
            return view(*args, **kwargs)

        wrapped.portal_access = permissions or ("login",)
        return wrapped

    return decorate


def public(view):
    """Mark a view as open to anyone, logged in or not (the login page, for one)."""
    view.portal_access = ("public",)
    return view
