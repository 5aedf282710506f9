"""full-text search over candidates (SQLite FTS5, PostgreSQL tsvector + GIN) and who has one open

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 17:30:00

The search document of a candidate is its paper's title and abstract, its snippets, its
statement and its note. Triggers keep it current: on insert of a candidate, on update of
the candidate's snippets, statement, note or paper, and on update of a paper's title or
record. Rescoring (which rewrites ``score`` on every row) does not touch it.

On SQLite, a batch migration that rebuilds ``candidate`` or ``paper`` (copy, drop, rename)
drops these triggers with the old table: such a migration must call :func:`create_sqlite`
again after it (the FTS table survives and needs only ``'rebuild'``-style refilling).
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# --- SQLite: an FTS5 table whose rowid is the candidate's id -----------------------------

_SQLITE_ABSTRACT = """CASE json_type({p}.record, '$.abstract')
    WHEN 'array' THEN (SELECT group_concat(json_extract(a.value, '$.text'), ' ')
                       FROM json_each({p}.record, '$.abstract') AS a WHERE a.type = 'object')
    WHEN 'text' THEN json_extract({p}.record, '$.abstract') END"""
_SQLITE_SNIPPETS = """CASE json_type({c}.snippets) WHEN 'array' THEN
    (SELECT group_concat(json_extract(s.value, '$.text'), ' ')
     FROM json_each({c}.snippets) AS s WHERE s.type = 'object') END"""


def _sqlite_insert(where: str) -> str:
    """Index the candidates (``cc``, joined to their paper ``pp``) that ``where`` selects."""
    return (
        "INSERT INTO candidate_fts (rowid, title, abstract, snippets, statement, note) "
        f"SELECT cc.id, pp.title, {_SQLITE_ABSTRACT.format(p='pp')}, "
        f"{_SQLITE_SNIPPETS.format(c='cc')}, coalesce(cc.statement, ''), coalesce(cc.note, '') "
        f"FROM candidate AS cc JOIN paper AS pp ON pp.pmid = cc.pmid WHERE {where}"
    )


SQLITE_TRIGGERS = {
    "candidate_fts_insert": "AFTER INSERT ON candidate BEGIN "
    + _sqlite_insert("cc.id = NEW.id")
    + "; END",
    "candidate_fts_update": "AFTER UPDATE OF snippets, statement, note, pmid ON candidate BEGIN "
    "DELETE FROM candidate_fts WHERE rowid = OLD.id; " + _sqlite_insert("cc.id = NEW.id") + "; END",
    "candidate_fts_delete": "AFTER DELETE ON candidate BEGIN "
    "DELETE FROM candidate_fts WHERE rowid = OLD.id; END",
    "paper_fts_update": "AFTER UPDATE OF title, record ON paper BEGIN "
    "DELETE FROM candidate_fts WHERE rowid IN (SELECT id FROM candidate WHERE pmid = NEW.pmid); "
    + _sqlite_insert("cc.pmid = NEW.pmid")
    + "; END",
}


def create_sqlite() -> None:
    for name, body in SQLITE_TRIGGERS.items():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(f"CREATE TRIGGER {name} {body}")


# --- PostgreSQL: a tsvector per candidate in its own table, with a GIN index -------------

_PG_TEXTS = """CASE json_typeof(%s) WHEN 'array' THEN
    (SELECT string_agg(e->>'text', ' ') FROM json_array_elements(%s) AS e
     WHERE json_typeof(e) = 'object') WHEN 'string' THEN %s END"""
_PG_ABSTRACT = _PG_TEXTS % ("p.record->'abstract'", "p.record->'abstract'", "p.record->>'abstract'")
_PG_SNIPPETS = _PG_TEXTS % ("c.snippets", "c.snippets", "c.snippets#>>'{}'")

PG_STATEMENTS = [
    """CREATE TABLE candidate_search (
        candidate_id integer PRIMARY KEY REFERENCES candidate (id) ON DELETE CASCADE,
        document tsvector NOT NULL)""",
    "CREATE INDEX ix_candidate_search_document ON candidate_search USING gin (document)",
    f"""CREATE FUNCTION candidate_search_refresh(wanted_pmid bigint, wanted_id integer)
        RETURNS void LANGUAGE sql AS $$
        INSERT INTO candidate_search (candidate_id, document)
        SELECT c.id,
            setweight(to_tsvector('english', coalesce(p.title, '')), 'A')
            || setweight(to_tsvector('english', coalesce({_PG_SNIPPETS}, '')), 'B')
            || setweight(to_tsvector('english',
                   coalesce(c.statement, '') || ' ' || coalesce(c.note, '')), 'B')
            || setweight(to_tsvector('english', coalesce({_PG_ABSTRACT}, '')), 'C')
        FROM candidate AS c JOIN paper AS p ON p.pmid = c.pmid
        WHERE c.pmid = wanted_pmid AND (wanted_id IS NULL OR c.id = wanted_id)
        ON CONFLICT (candidate_id) DO UPDATE SET document = EXCLUDED.document
        $$""",
    """CREATE FUNCTION candidate_search_on_candidate() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM candidate_search_refresh(NEW.pmid, NEW.id); RETURN NULL; END $$""",
    """CREATE FUNCTION candidate_search_on_paper() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM candidate_search_refresh(NEW.pmid, NULL); RETURN NULL; END $$""",
    """CREATE TRIGGER candidate_search_insert AFTER INSERT ON candidate
        FOR EACH ROW EXECUTE FUNCTION candidate_search_on_candidate()""",
    """CREATE TRIGGER candidate_search_update AFTER UPDATE OF snippets, statement, note, pmid
        ON candidate FOR EACH ROW EXECUTE FUNCTION candidate_search_on_candidate()""",
    """CREATE TRIGGER paper_search_update AFTER UPDATE OF title, record ON paper
        FOR EACH ROW EXECUTE FUNCTION candidate_search_on_paper()""",
    # Existing candidates: one pass over the papers that have any.
    "SELECT candidate_search_refresh(pmid, NULL) FROM (SELECT DISTINCT pmid FROM candidate) AS x",
]


def upgrade() -> None:
    op.create_table(
        "candidate_presence",
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("username", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("candidate_id", "username"),
    )
    with op.batch_alter_table("candidate_presence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_candidate_presence_opened_at"), ["opened_at"], unique=False
        )
    if op.get_bind().dialect.name == "postgresql":
        for statement in PG_STATEMENTS:
            op.execute(statement)
        return
    op.execute(
        "CREATE VIRTUAL TABLE candidate_fts USING fts5("
        "title, abstract, snippets, statement, note, "
        "tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    create_sqlite()
    op.execute(_sqlite_insert("1 = 1"))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, table in (
            ("paper_search_update", "paper"),
            ("candidate_search_update", "candidate"),
            ("candidate_search_insert", "candidate"),
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS candidate_search_on_paper()")
        op.execute("DROP FUNCTION IF EXISTS candidate_search_on_candidate()")
        op.execute("DROP FUNCTION IF EXISTS candidate_search_refresh(bigint, integer)")
        op.execute("DROP TABLE IF EXISTS candidate_search")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS candidate_fts")
    with op.batch_alter_table("candidate_presence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_candidate_presence_opened_at"))
    op.drop_table("candidate_presence")
