"""SQL that makes the audit tables append-only, per database vendor. Shared by migrations 0002
(events) and 0004 (seals) and the `flush` command (which lifts the triggers only while emptying
the whole database)."""

GENESIS = "0" * 64


def _create(table: str, name: str, what: str) -> dict[str, list[str]]:
    return {
        "sqlite": [
            f"""CREATE TRIGGER {name}_no_update BEFORE UPDATE ON {table}
           BEGIN SELECT RAISE(ABORT, '{what} are append-only'); END""",
            f"""CREATE TRIGGER {name}_no_delete BEFORE DELETE ON {table}
           BEGIN SELECT RAISE(ABORT, '{what} are append-only'); END""",
        ],
        "postgresql": [
            f"""CREATE OR REPLACE FUNCTION {name}_append_only() RETURNS trigger AS $$
           BEGIN RAISE EXCEPTION '{what} are append-only'; END; $$ LANGUAGE plpgsql""",
            f"""CREATE TRIGGER {name}_no_change BEFORE UPDATE OR DELETE ON {table}
           FOR EACH ROW EXECUTE FUNCTION {name}_append_only()""",
            f"""CREATE TRIGGER {name}_no_truncate BEFORE TRUNCATE ON {table}
           FOR EACH STATEMENT EXECUTE FUNCTION {name}_append_only()""",
        ],
    }


def _drop(table: str, name: str) -> dict[str, list[str]]:
    return {
        "sqlite": [f"DROP TRIGGER IF EXISTS {name}_no_update", f"DROP TRIGGER IF EXISTS {name}_no_delete"],
        "postgresql": [
            f"DROP TRIGGER IF EXISTS {name}_no_change ON {table}",
            f"DROP TRIGGER IF EXISTS {name}_no_truncate ON {table}",
        ],
    }


CREATE = _create("audit_auditevent", "audit_event", "audit events")
DROP = _drop("audit_auditevent", "audit_event")
# The seals (migration 0004): the same rule for audit_auditseal.
SEAL_CREATE = _create("audit_auditseal", "audit_seal", "audit seals")
SEAL_DROP = _drop("audit_auditseal", "audit_seal")
