"""When the office was last reminded of a case's 后期处置 (``grading_grade.review_reminded_at``):
the scheduled check (``portal_tick``) reminds it of a review that fell due without a step to
announce it (a case raised to 重大 after its reply), and again each week until the review exists."""
import peewee


def migrate(m):
    m.add_column("grading_grade", "review_reminded_at", peewee.DateTimeField(null=True))
