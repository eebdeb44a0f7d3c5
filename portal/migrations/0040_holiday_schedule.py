"""The years whose official holiday schedule an administrator entered at /admin/calendar.

The table is declared here as it was made, so that a later change to the model does not
change what this migration creates.
"""
import peewee

from portal.db import BaseModel
from portal.org.models import User


class HolidaySchedule(BaseModel):
    year = peewee.IntegerField(primary_key=True)
    entered_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    entered_at = peewee.DateTimeField()

    class Meta:
        table_name = "holiday_schedule"


def migrate(m):
    m.create_tables(HolidaySchedule)
