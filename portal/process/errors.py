"""The refusals of a workflow: their message (all problems at once) is for the user."""
from portal.inputs import InputError


class WorkflowError(InputError):
    """A step that cannot be taken; its problems (all of them) are for the user."""


class Stale(WorkflowError):
    """The record changed since the user read it (HTTP 409)."""

    MESSAGE = "该记录已被他人更新，您看到的不是最新内容。请刷新页面后重新操作。"

    def __init__(self, message: str | None = None):
        super().__init__(message or self.MESSAGE)
