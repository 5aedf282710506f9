"""candidate routes: how each paper was found (the query, a citation of a seed or accepted paper)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 17:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "candidate_route",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pmid", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("source_pmid", sa.BigInteger(), nullable=False),
        sa.Column("source_label", sa.Text(), nullable=False),
        sa.Column("scan_id", sa.Integer(), nullable=True),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pmid", "kind", "source_pmid", name="uq_candidate_route"),
    )
    with op.batch_alter_table("candidate_route", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_candidate_route_pmid"), ["pmid"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("candidate_route", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_candidate_route_pmid"))
    op.drop_table("candidate_route")
