"""The job table: what was asked, by whom, how far it got, and where its file is."""
import json

import peewee

from portal.db import BaseModel
from portal.org.models import User

STATES = {"queued": "排队中", "running": "正在处理", "done": "已完成", "failed": "失败"}


class Job(BaseModel):
    kind = peewee.CharField(max_length=80)
    owner = peewee.ForeignKeyField(User, null=True, on_delete="CASCADE")  # None: the system's own
    params = peewee.TextField(default="{}")  # JSON: the job kind's keyword arguments
    title = peewee.CharField(max_length=200, default="")
    state = peewee.CharField(max_length=10, default="queued")
    progress = peewee.IntegerField(default=0)  # percent
    message = peewee.CharField(max_length=200, default="")  # what it is doing now
    error = peewee.TextField(default="")  # why it failed, for the user
    result_name = peewee.CharField(max_length=200, default="")  # the file name offered
    result_file = peewee.CharField(max_length=200, default="")  # under the jobs folder
    result_type = peewee.CharField(max_length=100, default="")
    created_at = peewee.DateTimeField()
    started_at = peewee.DateTimeField(null=True)
    attempts = peewee.IntegerField(default=0)  # times a worker took it (a retry after a worker died adds one)
    heartbeat_at = peewee.DateTimeField(null=True)  # the running worker's latest sign of life
    finished_at = peewee.DateTimeField(null=True)

    class Meta:
        table_name = "job"
        indexes = ((("owner", "kind", "state"), False),)

    @property
    def arguments(self) -> dict:
        return json.loads(self.params or "{}")

    @property
    def state_label(self) -> str:
        return STATES.get(self.state, self.state)

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")


MODELS = [Job]
