"""Accountability records (第九条 问责) and their documents."""
from plugins.accountability.models import Record, RecordDocument


def migrate(m):
    m.create_tables(Record, RecordDocument)
