"""A version number on a case's grade (``grading_grade.version``): every change of the row goes
through the process kit's versioned write (``portal.process.bump``)."""
import peewee


def migrate(m):
    m.add_column("grading_grade", "version", peewee.IntegerField(default=1))
