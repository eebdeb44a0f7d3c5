"""Jobs whose worker died: a heartbeat while a job runs and the number of times it was taken, so
that the scheduled check retries a job whose worker stopped beating, or fails it with a reason
(``portal.jobs.upkeep``)."""
import peewee


def migrate(m):
    # 0300 creates the table from the current model: a database that had no job table has them
    have = {c.name for c in m.database.get_columns("job")}
    if "attempts" not in have:
        m.add_column("job", "attempts", peewee.IntegerField(default=0))
    if "heartbeat_at" not in have:
        m.add_column("job", "heartbeat_at", peewee.DateTimeField(null=True))
