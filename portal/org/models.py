"""Departments, users and the working groups the regulations set up."""
import secrets
from functools import lru_cache

import peewee
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from flask import current_app

from portal.auth.permissions import held, roles
from portal.db import BaseModel, Param, compiled, now

# The core's kinds of organisation unit; plugins add theirs with portal_department_kinds
# (department_kinds() gives them all).
DEPARTMENT_KINDS = {
    "office": "科室",
    "unit": "二级单位",
    "info_centre": "信息中心",
    "leadership": "局领导",
}
# The units that handle cases and receive circulars (科室、二级单位、信息中心): not 局领导, nor a
# plugin's kinds (a Party branch, 党支部, is not assigned cases).
WORKING_KINDS = ("office", "unit", "info_centre")


def department_kinds() -> dict[str, str]:
    """Every kind of organisation unit of the running portal: the core's and the plugins'."""
    return current_app.extensions["portal_department_kinds"]

POSITIONS = {
    "leader": "组长",
    "deputy": "副组长",
    "office_director": "办公室主任",
    "member": "成员",
    "monitor": "网络评论员",
    "liaison": "联络员",
}

PASSWORD_MIN_LENGTH = 8


class Department(BaseModel):
    name = peewee.CharField(max_length=60, unique=True)
    kind = peewee.CharField(max_length=20, default="office")
    sort_order = peewee.IntegerField(default=100)
    active = peewee.BooleanField(default=True)
    # 分管领导: the bureau leader in charge of this department (预案 一 tells them of its cases)
    leader_in_charge = peewee.DeferredForeignKey("User", null=True, on_delete="SET NULL", backref="+")

    @property
    def kind_label(self):
        return department_kinds().get(self.kind, self.kind)

    @classmethod
    def listed(cls):
        return cls.select().where(cls.active).order_by(cls.sort_order, cls.id)


class User(UserMixin, BaseModel):
    username = peewee.CharField(max_length=40, unique=True)
    name = peewee.CharField(max_length=40)
    password_hash = peewee.CharField(max_length=255)
    department = peewee.ForeignKeyField(Department, backref="users", null=True, on_delete="SET NULL")
    active = peewee.BooleanField(default=True)
    created_at = peewee.DateTimeField(default=now)
    last_login_at = peewee.DateTimeField(null=True)
    # Part of every session cookie; a new one ends all of the user's sessions at once.
    session_token = peewee.CharField(max_length=32, default=lambda: secrets.token_hex(16))
    # Set when an administrator chose the password: the user must replace it before anything else.
    must_change_password = peewee.BooleanField(default=False)

    @property
    def is_active(self):
        return self.active

    def get_id(self):
        return f"{self.id}:{self.session_token}"

    def end_sessions(self):
        """Log the user out everywhere: logout, a password change or reset."""
        self.session_token = secrets.token_hex(16)
        User.update(session_token=self.session_token).where(User.id == self.id).execute()

    @classmethod
    def shown_fields(cls) -> list:
        return [f for f in cls._meta.sorted_fields if f is not cls.password_hash]

    @classmethod
    def from_session(cls, session_id: str, header=None):
        """The signed-in user in one statement (compiled once): with their department (every page's
        header names it) and roles, and the aliased columns ``header()`` gives (the layout's: the
        unread count, the bureau's identity) when given;
        without the password hash, which ``check_password`` reads when it is asked."""
        user_id, _, token = (session_id or "").partition(":")
        if not user_id.isdigit() or not token:
            return None

        def statement():
            return (cls.select(*cls.shown_fields(), Department, UserRole.role, *(header() if header else ()))
                    .join(Department, peewee.JOIN.LEFT_OUTER).switch(cls)
                    .join(UserRole, peewee.JOIN.LEFT_OUTER, on=(UserRole.user == cls.id), attr="role_row")
                    .where((cls.id == Param("id")) & (cls.session_token == Param("token")) & cls.active)
                    .order_by(UserRole.id))

        key = ("User.from_session", header and f"{header.__module__}.{header.__qualname__}")
        rows = list(compiled(key, statement, id=int(user_id), token=token))
        if not rows:
            return None
        user = rows[0]
        user._roles = [row.role_row.role for row in rows if getattr(row, "role_row", None) and row.role_row.role]
        return user

    def set_password(self, password: str):
        self.password_hash = generate_password_hash(password)  # scrypt

    def check_password(self, password: str) -> bool:
        if "password_hash" not in self.__data__ and self.id:  # a session's user is read without it
            self.__data__["password_hash"] = User.select(User.password_hash).where(User.id == self.id).scalar()
        return check_password_hash(self.password_hash, password)

    @property
    def roles(self) -> list[str]:
        if not hasattr(self, "_roles"):
            self._roles = [r.role for r in self.role_rows.order_by(UserRole.id)]
        return self._roles

    @classmethod
    def listing(cls, query=None) -> list["User"]:
        """People with their department and roles in two queries, not two per person; without their
        password hashes, which no list shows (``check_password`` reads one when asked)."""
        users = list((cls.select() if query is None else query).select(*cls.shown_fields(), Department)
                     .join(Department, peewee.JOIN.LEFT_OUTER))
        by_id = {u.id: u for u in users}
        for u in users:
            u._roles = []
        for row in UserRole.select().where(UserRole.user.in_(list(by_id))).order_by(UserRole.id):
            by_id[row.user_id]._roles.append(row.role)
        return users

    def set_roles(self, roles):
        UserRole.delete().where(UserRole.user == self).execute()
        for role in roles:
            UserRole.create(user=self, role=role)
        self._roles = list(roles)
        self.__dict__.pop("_can", None)

    @property
    def role_labels(self) -> str:
        names = roles()
        return "、".join(names.get(r, r) for r in self.roles)

    def can(self, permission: str, department=None) -> bool:
        """Whether the user holds ``permission`` (on ``department``'s page or object, a
        Department or its id, for a permission of ``scope="department"``)."""
        answers = self.__dict__.setdefault("_can", {})  # a page asks the same question many times
        key = (permission, getattr(department, "id", department))
        if key not in answers:
            answers[key] = self.active and held(permission, self, department)
        return answers[key]

    def has_role(self, *roles) -> bool:
        return bool(set(self.roles) & set(roles))


class UserRole(BaseModel):
    user = peewee.ForeignKeyField(User, backref="role_rows", on_delete="CASCADE")
    role = peewee.CharField(max_length=20)

    class Meta:
        indexes = ((("user", "role"), True),)


class WorkingGroup(BaseModel):
    """A group a regulation sets up: 领导小组, 工作小组, 联席会议."""
    name = peewee.CharField(max_length=80, unique=True)
    code = peewee.CharField(max_length=40, unique=True)
    basis = peewee.CharField(max_length=120, default="")  # which regulation sets it up
    duties = peewee.TextField(default="")
    version = peewee.IntegerField(default=1)  # bumped by every change to the group or its members


class WorkingGroupMember(BaseModel):
    group = peewee.ForeignKeyField(WorkingGroup, backref="members", on_delete="CASCADE")
    position = peewee.CharField(max_length=20)
    user = peewee.ForeignKeyField(User, null=True, on_delete="CASCADE")
    department = peewee.ForeignKeyField(Department, null=True, on_delete="CASCADE")

    @property
    def position_label(self):
        return POSITIONS.get(self.position, self.position)


def heads_and_leaders_in_charge(department_ids) -> list[User]:
    """预案 一: “发现负面报道及时告知市局分管领导及舆情涉事科室主要负责人”: the heads of the
    departments concerned and the leaders in charge of them (active people only)."""
    ids = [i for i in department_ids if i]
    if not ids:
        return []
    heads = (User.select(User.id).join(UserRole)
             .where((UserRole.role == "dept_head") & User.department.in_(ids)))
    leaders = Department.select(Department.leader_in_charge).where(
        Department.id.in_(ids) & Department.leader_in_charge.is_null(False))
    return list(User.select().where(User.active & (User.id.in_(heads) | User.id.in_(leaders))).order_by(User.id))


def password_problem(password: str) -> str | None:
    """Why a new password is not acceptable, in Chinese; None when it is."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return f"密码至少需要{PASSWORD_MIN_LENGTH}个字符。"
    if not any(c.isdigit() for c in password) or not any(c.isalpha() for c in password):
        return "密码须同时包含字母和数字。"
    return None


@lru_cache(maxsize=1)
def _decoy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))  # the same method and cost as a real one


def verify_password(user, password: str) -> bool:
    """Whether ``user`` (None for a name nobody has) may sign in with ``password``. The hash
    is computed either way, so the time taken does not tell whether the account exists."""
    if user is None:
        check_password_hash(_decoy_hash(), password)
        return False
    return user.check_password(password) and user.active


MODELS = [Department, User, UserRole, WorkingGroup, WorkingGroupMember]
