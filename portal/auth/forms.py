from portal.inputs import PortalForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(PortalForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名。"), Length(max=40, message="用户名不超过40个字符。")])
    password = PasswordField("密码", validators=[DataRequired("请输入密码。"), Length(max=200, message="密码不超过200个字符。")])


class ChangePasswordForm(PortalForm):
    current = PasswordField("当前密码", validators=[DataRequired("请输入当前密码。")])
    new = PasswordField("新密码", validators=[DataRequired("请输入新密码。"), Length(max=200, message="密码不超过200个字符。")])
    confirm = PasswordField(
        "确认新密码", validators=[DataRequired("请再次输入新密码。"), EqualTo("new", "两次输入的新密码不一致。")]
    )
