"""The audit chain becomes keyed (HMAC-SHA256 with a key outside the database).

Events written before hold plain SHA-256 hashes and keep them: the audit table is append-only,
so nothing is rewritten. This records the last of them (id and hash) in ``audit_legacy``; the
verifier checks events up to it with the old rule and every later one with the key. The
boundary is also part of every checkpoint (``portal.audit_anchor``), so moving it is found.
"""
from portal.audit import AuditLegacy


def migrate(m):
    m.create_tables(AuditLegacy)
    last = m.database.execute_sql("SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1").fetchone()
    if last:
        p = m.database.param
        m.execute(f"INSERT INTO audit_legacy (last_id, last_hash) VALUES ({p}, {p})", last, table="audit_legacy")
