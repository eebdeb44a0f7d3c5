from wtforms import BooleanField, IntegerField, PasswordField, SelectField, SelectMultipleField, StringField, widgets
from wtforms.validators import DataRequired, ValidationError, Length, NumberRange, Optional, Regexp

from portal.auth.permissions import roles
from portal.inputs import PortalForm, choice_id, cleaned
from portal.org.models import department_kinds


class CheckboxList(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form):
        known = {value for value, _ in self.choices}
        if any(value not in known for value in self.data or []):
            raise ValidationError("请选择列出的角色。")


class UserForm(PortalForm):
    username = StringField(
        "用户名",
        validators=[
            DataRequired("请输入用户名。"),
            Length(max=40, message="用户名不超过40个字符。"),
            Regexp(r"^[A-Za-z0-9_.-]+$", message="用户名只能包含字母、数字、下划线、点和连字符。"),
        ],
    )
    name = StringField("姓名", filters=[cleaned], validators=[DataRequired("请输入姓名。"), Length(max=40, message="姓名不超过40个字符。")])
    department = SelectField("所属科室", coerce=choice_id, validators=[DataRequired("请选择所属科室。")])
    roles = CheckboxList("角色")
    password = PasswordField("初始密码", validators=[Optional()])
    active = BooleanField("启用", default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.roles.choices = list(roles().items())  # the plugins' roles too


class ResetPasswordForm(PortalForm):
    password = PasswordField("新密码", validators=[DataRequired("请输入新密码。")])


class DepartmentForm(PortalForm):
    name = StringField("名称", filters=[cleaned], validators=[DataRequired("请输入名称。"), Length(max=60, message="名称不超过60个字符。")])
    kind = SelectField("类别")
    leader_in_charge = SelectField("分管领导", coerce=choice_id, validate_choice=False)
    sort_order = IntegerField("排序", default=100, validators=[
        Optional(), NumberRange(0, 1_000_000, message="排序须为0到1000000之间的整数。")])
    active = BooleanField("启用", default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = list(department_kinds().items())  # the plugins' kinds too

    def validate_leader_in_charge(self, field):
        sent = str((field.raw_data or [""])[0]).strip()
        if (field.data or sent not in ("", "0")) and field.data not in {value for value, _ in field.choices if value}:
            raise ValidationError("分管领导须为在任的局领导，请从列表中选择。")
