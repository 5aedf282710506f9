"""unresolved PMIDs: those searches returned and EFetch would not, retried by every scan

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 14:29:48.365724
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "unresolved_pmid",
        sa.Column("pmid", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("first_scan_id", sa.Integer(), nullable=True),
        sa.Column("last_scan_id", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_tried_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("resolved_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(["first_scan_id"], ["scan.id"]),
        sa.ForeignKeyConstraint(["last_scan_id"], ["scan.id"]),
        sa.PrimaryKeyConstraint("pmid"),
    )
    with op.batch_alter_table("unresolved_pmid", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_unresolved_pmid_resolved_at"), ["resolved_at"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("unresolved_pmid", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unresolved_pmid_resolved_at"))

    op.drop_table("unresolved_pmid")
