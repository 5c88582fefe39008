"""campaign default merge-tag values for previews

Revision ID: 0002_campaign_sample_data
Revises: 0001_initial
"""
from alembic import op
import sqlalchemy as sa

revision = "0002_campaign_sample_data"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("campaigns") as batch_op:
        batch_op.add_column(sa.Column("sample_data", sa.JSON(), nullable=False, server_default="{}"))


def downgrade():
    with op.batch_alter_table("campaigns") as batch_op:
        batch_op.drop_column("sample_data")
