"""The background jobs' table (``portal.jobs``): PDFs, exports and imports run on the task queue;
the page a user waits on polls this row for progress, the result file or the reason it failed."""
from portal.jobs.models import Job


def migrate(m):
    m.create_tables(Job)
