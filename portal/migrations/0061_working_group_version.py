"""A version number on working groups, so that two administrators editing the same group (or
its members) at once do not overwrite each other unseen."""
import peewee


def migrate(m):
    m.add_column("working_group", "version", peewee.IntegerField(default=1))
