"""Each department's 分管领导 (leader in charge), whom 预案 一 has told of the opinion that
concerns the department, with its head. Nullable: a bureau records them as it goes."""
import peewee

from portal.org.models import User


def migrate(m):
    m.add_column("department", "leader_in_charge_id",
                 peewee.ForeignKeyField(User, field=User.id, null=True, on_delete="SET NULL"))
