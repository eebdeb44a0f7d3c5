"""Job kinds of the queue tests, imported by the test and by the consumer process it starts."""
import time
from pathlib import Path

from portal import jobs


def _anyone(user, params):
    return True


@jobs.kind("tests.gated", can_access=_anyone)
def gated(ctx, gate):
    """Reports half done, then waits until the test opens the gate (creates the file)."""
    ctx.progress(50, "等待测试放行")
    for _ in range(1200):
        if Path(gate).exists():
            return jobs.Result("放行.txt", "已放行".encode(), "text/plain; charset=utf-8")
        time.sleep(0.05)
    raise jobs.JobError("测试没有放行。")


@jobs.kind("tests.refused", can_access=_anyone)
def refused(ctx, reason):
    raise jobs.JobError(reason)


@jobs.kind("tests.crashes", can_access=_anyone)
def crashes(ctx):
    raise ValueError("internal detail that must not reach the user")
