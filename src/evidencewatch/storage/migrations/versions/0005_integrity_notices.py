"""integrity notices: retractions, concerns, errata, updates, deletions and revisions of papers

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 17:05:00
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "integrity_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pmid", sa.BigInteger(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("notice_pmid", sa.BigInteger(), nullable=False),
        sa.Column("notice_date", sa.Date(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("previous_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detected_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("resolved_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pmid", "kind", "notice_pmid", name="uq_integrity_notice"),
    )
    with op.batch_alter_table("integrity_notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_integrity_notice_pmid"), ["pmid"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_integrity_notice_detected_at"), ["detected_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("integrity_notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_integrity_notice_detected_at"))
        batch_op.drop_index(batch_op.f("ix_integrity_notice_pmid"))
    op.drop_table("integrity_notice")
