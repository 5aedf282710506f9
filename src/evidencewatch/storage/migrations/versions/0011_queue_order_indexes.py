"""queue order indexes carry the candidate id

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 03:45:00

The queue's order is (score, id) descending and the paper view probes each row's paper
for a candidate ranked ahead on (status, pmid, score, id). With ``id`` in both indexes
PostgreSQL walks the first for the page and answers the probe from the second alone
(an index-only nested-loop anti-join); without it, it hashed and sorted the whole
status on every page (EXPLAIN ANALYZE at 20,000 candidates: first page 52 -> 0.8 ms,
page 200 52 -> 18 ms). SQLite's indexes end in the rowid already, so there the new
ones replace the old to the same effect.
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_OLD = {
    "ix_candidate_status_score": ["status", "score"],
    "ix_candidate_status_pmid_score": ["status", "pmid", "score"],
}
_NEW = {
    "ix_candidate_status_score_id": ["status", "score", "id"],
    "ix_candidate_status_pmid_score_id": ["status", "pmid", "score", "id"],
}


def upgrade() -> None:
    for name, columns in _NEW.items():
        op.create_index(name, "candidate", columns, unique=False)
    for name in _OLD:
        op.drop_index(name, table_name="candidate")


def downgrade() -> None:
    for name, columns in _OLD.items():
        op.create_index(name, "candidate", columns, unique=False)
    for name in _NEW:
        op.drop_index(name, table_name="candidate")
