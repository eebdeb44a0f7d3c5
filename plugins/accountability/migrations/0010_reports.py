"""Regular analysis reports (第七条（三）) and the reminders sent for them."""
from plugins.accountability.models import Report, ReportReminder


def migrate(m):
    m.create_tables(Report, ReportReminder)
