"""The database itself keeps the ledger's rules (security.md M1, M3).

- Postings and entries refuse UPDATE and DELETE (both databases), as the audit table does.
  TRUNCATE is left to the table owner: it is not an application path, and the test runner's
  flush of a transactional test uses it.
- PostgreSQL: after every INSERT statement into `ledger_posting`, the entries it touched must sum
  to zero. A statement-level trigger over the transition table checks them all in one set-based
  query; the ledger writes each entry's postings in one statement (one INSERT for a single entry,
  one COPY for a bulk batch), so an entry is complete whenever a statement ends and an entry left
  unbalanced by any statement is refused. (A deferred row-level constraint trigger would run one
  query per posting at commit — a quarter of a million queries for a season settlement.)
- SQLite has no statement triggers; there the service refuses unbalanced entries before writing
  and a test shows it (zhenxing/ledger/tests/test_services.py).
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger rows are append-only (账目只允许追加)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ledger_posting_no_change BEFORE UPDATE OR DELETE ON ledger_posting
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_entry_no_change BEFORE UPDATE OR DELETE ON ledger_entry
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();

CREATE OR REPLACE FUNCTION ledger_entries_balanced() RETURNS trigger AS $$
DECLARE
    bad bigint;
BEGIN
    SELECT p.entry_id INTO bad
      FROM ledger_posting p
     WHERE p.entry_id IN (SELECT DISTINCT entry_id FROM added)
     GROUP BY p.entry_id
    HAVING SUM(p.amount) <> 0 OR COUNT(*) < 2
     LIMIT 1;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'entry %% does not balance (分录借贷不平)', bad;  -- %% : psycopg placeholder escape
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ledger_posting_balanced AFTER INSERT ON ledger_posting
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_balanced();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS ledger_posting_balanced ON ledger_posting;
DROP TRIGGER IF EXISTS ledger_posting_no_change ON ledger_posting;
DROP TRIGGER IF EXISTS ledger_entry_no_change ON ledger_entry;
DROP FUNCTION IF EXISTS ledger_entries_balanced();
DROP FUNCTION IF EXISTS ledger_append_only();
"""
SQLITE_UP = [
    f"""CREATE TRIGGER ledger_{table}_no_{action} BEFORE {action.upper()} ON ledger_{table}
       BEGIN SELECT RAISE(ABORT, 'ledger rows are append-only'); END;"""
    for table in ("posting", "entry")
    for action in ("update", "delete")
]
SQLITE_DOWN = [
    f"DROP TRIGGER IF EXISTS ledger_{table}_no_{action};"
    for table in ("posting", "entry")
    for action in ("update", "delete")
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
