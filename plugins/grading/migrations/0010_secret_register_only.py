"""涉密 cases are register entries only (core migration 0010): their grading records — heat
snapshots, grades and their reasons, assessments, reviews — are deleted. The grading plugin
refuses to record anything for a 涉密 case from now on (``workflow._check``)."""


def migrate(m):
    secret = f"(SELECT id FROM \"case\" WHERE confidentiality = {m.database.param})"
    for table in ("grading_snapshot", "grading_change", "grading_assessment", "grading_review", "grading_grade"):
        m.execute(f"DELETE FROM {table} WHERE case_id IN {secret}", ("secret",), table=table)
