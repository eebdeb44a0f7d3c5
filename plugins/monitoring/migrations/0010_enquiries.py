"""Media enquiries (媒体采访/问询), answered with an approved statement's version."""
from plugins.monitoring.models import Enquiry


def migrate(m):
    m.create_tables(Enquiry)
