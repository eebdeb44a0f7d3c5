"""The schema as of main of 2026-11-29 (commit 49cb592), when migrations began.

A new database gets its tables from the models and has this migration marked applied; a
database made before migrations is stamped with it. Nothing to do either way.
"""


def migrate(m):
    pass
