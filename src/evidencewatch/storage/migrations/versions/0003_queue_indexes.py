"""queue indexes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 12:06:13.912990
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:

    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.create_index(
            "ix_candidate_status_created_score", ["status", "created_at", "score"], unique=False
        )
        batch_op.create_index(
            "ix_candidate_status_gene_score", ["status", "gene", "score"], unique=False
        )
        batch_op.create_index(
            "ix_candidate_status_therapy_created_score",
            ["status", "therapy_class", "created_at", "score"],
            unique=False,
        )


def downgrade() -> None:

    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.drop_index("ix_candidate_status_therapy_created_score")
        batch_op.drop_index("ix_candidate_status_gene_score")
        batch_op.drop_index("ix_candidate_status_created_score")
