"""The monitoring desk's first version: its tables are made from its models."""


def migrate(m):
    pass
