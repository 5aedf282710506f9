"""sign-in attempts in flight: a row of login_failure is pending while its password is checked

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 03:30:00

The throttle counted an attempt against its client address while its password
was still being checked, so curators signing in at once from one address (a
proxy, a lab's NAT) were refused with 429 although every password was right.
A pending row now counts only against its account; rows already stored are
failures (``pending`` false), as they were.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("login_failure", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("pending", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("login_failure", schema=None) as batch_op:
        batch_op.drop_column("pending")
