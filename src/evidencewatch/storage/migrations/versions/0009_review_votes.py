"""review votes: two blinded curators per candidate in dual review, kept after undo; and
the (status, pmid, score) index the queue's paper view counts and ranks papers with

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 17:10:00
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_candidate_status_pmid_score", "candidate", ["status", "pmid", "score"], unique=False
    )
    op.create_table(
        "review_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("voter", sa.String(length=80), nullable=False),
        sa.Column("decision", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("edits", sa.JSON(), nullable=True),
        sa.Column("candidate_version", sa.Integer(), nullable=False),
        sa.Column("cast_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["candidate_id"], ["candidate.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("review_vote", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_vote_candidate_id"), ["candidate_id"], unique=False
        )
        batch_op.create_index(
            "ix_review_vote_voter_withdrawn", ["voter", "withdrawn_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("review_vote", schema=None) as batch_op:
        batch_op.drop_index("ix_review_vote_voter_withdrawn")
        batch_op.drop_index(batch_op.f("ix_review_vote_candidate_id"))
    op.drop_table("review_vote")
    op.drop_index("ix_candidate_status_pmid_score", table_name="candidate")
