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
    """A permission and who holds it (docs/plugins.md, "Who may use it").

    ``roles`` hold it. ``departments`` (names, as the administrator's department list shows
    them) limits those roles to members of these departments; ``scope="department"`` limits
    them, where a department is in question (its page, ``user.can(name, department=d)``), to
    their own. ``everywhere`` are roles that hold it whatever their department (the office and
    the leaders for a department's own register)."""
    name: str
    label: str
    roles: tuple[str, ...] = field(default_factory=tuple)
    departments: tuple[str, ...] = ()
    scope: str = "bureau"  # or "department"
    everywhere: tuple[str, ...] = ()

    def held_by(self, user, department=None) -> bool:
        """Whether ``user`` holds this permission; on ``department``'s page or object when given
        (a Department or its id)."""
        held = set(user.roles)
        if held & set(self.everywhere):
            return True
        if not held & set(self.roles):
            return False
        if self.departments and (user.department is None or user.department.name not in self.departments):
            return False
        if self.scope == "department" and department is not None:
            return getattr(department, "id", department) == user.department_id
        return True


class PluginError(RuntimeError):
    """A plugin cannot be loaded as it is; the message says why, in Chinese."""


CORE_PERMISSIONS = [
    Permission("admin.users", "管理用户与科室", ("admin",)),
    Permission("admin.plugins", "查看插件", ("admin",)),
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
            if perm.scope not in ("bureau", "department"):
                raise PluginError(f"权限“{perm.name}”的范围“{perm.scope}”无效：只能是 bureau 或 department。")
            unknown = (set(perm.roles) | set(perm.everywhere)) - set(known_roles)
            if unknown:
                raise PluginError(f"权限“{perm.name}”引用了不存在的角色：{'、'.join(sorted(unknown))}")
            registry[perm.name] = perm
    return registry


def permission(name: str) -> Permission:
    perm = current_app.extensions["portal_permissions"].get(name)
    if perm is None:
        raise LookupError(f"unknown permission {name!r}")
    return perm


def role_can(roles, name: str) -> bool:
    """Whether ``roles`` hold the permission ``name`` anywhere (its department limits aside)."""
    perm = permission(name)
    return bool(set(roles) & (set(perm.roles) | set(perm.everywhere)))


def requires(*permissions: str, department: str | None = None):
    """Allow a view to logged-in users holding every one of ``permissions``.

    ``@requires()`` with no permission means: any logged-in user. ``department`` names the view
    argument that carries a department id (``department="department_id"``): a permission of
    ``scope="department"`` is then checked on that department, so a head opens only their own.
    """
    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("auth.login", next=request.full_path))
            where = kwargs.get(department) if department else None
            for name in permissions:
                if not current_user.can(name, department=where):
                    abort(403)
            return view(*args, **kwargs)

        wrapped.portal_access = permissions or ("login",)
        return wrapped

    return decorate


def public(view):
    """Mark a view as open to anyone, logged in or not (the login page, for one)."""
    view.portal_access = ("public",)
    return view


def held(name: str, user, department=None) -> bool:
    """``user.can(name, department)``: the one place a permission is decided."""
    return permission(name).held_by(user, department)
