"""Whether a circular was issued in the 加盖印章 layout (``circulars_circular.sealed``): the
office chooses it at 印发; the seal is pressed on the frozen PDF only."""
import peewee


def migrate(m):
    m.add_column("circulars_circular", "sealed", peewee.BooleanField(default=False))
