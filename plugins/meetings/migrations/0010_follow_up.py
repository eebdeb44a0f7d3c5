"""专项督查组, instructions from above relayed to the units, and information shared through the office."""
from plugins.meetings.models import FOLLOW_UP


def migrate(m):
    m.create_tables(*FOLLOW_UP)
