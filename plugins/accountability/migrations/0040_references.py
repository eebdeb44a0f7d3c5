"""Evidence that is a record of another plugin (``portal_evidence_sources``: the commentator team's
trainings, the duty rosters of sensitive periods): its kind, id, label and date, kept as they read
when the unit attached it, so that a record deleted since, or a plugin switched off, still shows."""
import peewee


def migrate(m):
    m.add_column("accountability_evidence", "ref_kind", peewee.CharField(max_length=60, default=""))
    m.add_column("accountability_evidence", "ref_id", peewee.CharField(max_length=40, default=""))
    m.add_column("accountability_evidence", "ref_label", peewee.CharField(max_length=200, default=""))
    m.add_column("accountability_evidence", "ref_day", peewee.DateField(null=True))
