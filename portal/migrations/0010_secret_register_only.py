"""涉密 cases become register entries: the portal is not a classified information system.

Under the secrecy rules classified information must not be processed on a non-classified system,
so a 涉密 case keeps its number, dates, host and co-departments, state and deadlines, and loses
every text: its title becomes “涉密事项（线下办理）”, its post text “涉密，线下办理”; the link,
the netizen's name and contact, the instruction, findings, reply, reply drafts, extension
reasons, explanations, urgings and supervision notes are emptied (a rejection keeps a non-empty
reason, which is what marks it rejected); notifications about it keep only its number; its
attachment rows are deleted.

A migration changes only the database: the attachment files themselves are deleted right after
the migration run commits (the cases' schema set-up, ``attachments.portal_schema_setup`` →
``purge_unreferenced``, which prints each one), and the case search index is rebuilt so no term of the old texts remains.
The audit log is append-only and keeps what it recorded; readers who may not see a case never
read its events' texts (``access.redact_events``).
"""
TITLE = "涉密事项（线下办理）"
TEXT = "涉密，线下办理"


def migrate(m):
    p = m.database.param
    secret = f"(SELECT id FROM \"case\" WHERE confidentiality = {p})"
    m.execute(
        f"UPDATE \"case\" SET title = {p}, post_text = {p}, url = '', netizen_nickname = '', netizen_contact = '', "
        f"instruction = '', findings = '', reply_text = '', reply_url = '', "
        f"reject_reason = CASE WHEN reject_reason <> '' THEN {p} ELSE '' END WHERE confidentiality = {p}",
        (TITLE, TEXT, TEXT, "secret"), table="case")
    for table, columns in (("reply_draft", ("findings", "text", "comment")), ("extension", ("reason", "comment")),
                           ("explanation", ("text",)), ("urging", ("message",)), ("supervision", ("note",))):
        sets = ", ".join(f"{c} = ''" for c in columns)
        m.execute(f"UPDATE {table} SET {sets} WHERE case_id IN {secret}", ("secret",), table=table)
    m.execute(f"UPDATE notification SET message = (SELECT '涉密事项 ' || c.number || '：' || {p} FROM \"case\" c "
              f"WHERE c.id = notification.case_id) WHERE case_id IN {secret}", (TEXT, "secret"), table="notification")
    m.execute(f"DELETE FROM attachment WHERE case_id IN {secret}", ("secret",), table="attachment")
