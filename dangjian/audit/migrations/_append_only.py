"""SQL that makes audit_auditevent append-only, per database vendor. Shared by migration 0002
and the `flush` command (which lifts the triggers only while emptying the whole database)."""

GENESIS = "0" * 64

CREATE = {
    "sqlite": [
        """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
           BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
        """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
           BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    ],
    "postgresql": [
        """CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
           BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_auditevent
           FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""",
        """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
           FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()""",
    ],
}
DROP = {
    "sqlite": ["DROP TRIGGER IF EXISTS audit_event_no_update", "DROP TRIGGER IF EXISTS audit_event_no_delete"],
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_auditevent",
        "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent",
    ],
}

# The seals (migration 0004): the same rule for audit_auditseal.
SEAL_CREATE = {
    "sqlite": [
        """CREATE TRIGGER audit_seal_no_update BEFORE UPDATE ON audit_auditseal
           BEGIN SELECT RAISE(ABORT, 'audit seals are append-only'); END""",
        """CREATE TRIGGER audit_seal_no_delete BEFORE DELETE ON audit_auditseal
           BEGIN SELECT RAISE(ABORT, 'audit seals are append-only'); END""",
    ],
    "postgresql": [
        """CREATE OR REPLACE FUNCTION audit_seal_append_only() RETURNS trigger AS $$
           BEGIN RAISE EXCEPTION 'audit seals are append-only'; END; $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER audit_seal_no_change BEFORE UPDATE OR DELETE ON audit_auditseal
           FOR EACH ROW EXECUTE FUNCTION audit_seal_append_only()""",
        """CREATE TRIGGER audit_seal_no_truncate BEFORE TRUNCATE ON audit_auditseal
           FOR EACH STATEMENT EXECUTE FUNCTION audit_seal_append_only()""",
    ],
}
SEAL_DROP = {
    "sqlite": ["DROP TRIGGER IF EXISTS audit_seal_no_update", "DROP TRIGGER IF EXISTS audit_seal_no_delete"],
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_seal_no_change ON audit_auditseal",
        "DROP TRIGGER IF EXISTS audit_seal_no_truncate ON audit_auditseal",
    ],
}
