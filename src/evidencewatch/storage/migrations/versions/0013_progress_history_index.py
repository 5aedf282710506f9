"""the progress panel's screening history is read from an index

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 20:10:00

The progress panel reads every decided candidate's status in decision order
(``decided_at``, then id) on the first queue view after each change of state. Without
an index holding those columns SQLite read 18,000 wide candidate rows and sorted them
(62 ms of SQL at 100,000 candidates); from (status, decided_at, id) it is 15 ms.
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_candidate_status_decided_id", "candidate", ["status", "decided_at", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_candidate_status_decided_id", table_name="candidate")
