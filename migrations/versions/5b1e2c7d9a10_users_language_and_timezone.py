"""users: language and timezone

Revision ID: 5b1e2c7d9a10
Revises: 019c039c870a
Create Date: 2026-12-01 21:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5b1e2c7d9a10"
down_revision = "019c039c870a"
branch_labels = None
depends_on = None


def upgrade():
    # Existing accounts follow their browser's language and see times in UTC until they choose.
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=True))
        batch.add_column(
            sa.Column("timezone", sa.String(length=64), server_default="UTC", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("timezone")
        batch.drop_column("language")
