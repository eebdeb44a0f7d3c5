"""``user.must_change_password``: a password an administrator set (or ``portal create-user``)
must be replaced by its owner at first login. Existing users are not asked (false for all)."""
import peewee


def migrate(m):
    m.add_column("user", "must_change_password", peewee.BooleanField(default=False))
