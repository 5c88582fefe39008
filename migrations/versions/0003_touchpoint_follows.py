"""a touchpoint may send after another touchpoint

Revision ID: 0003_touchpoint_follows
Revises: 0002_campaign_sample_data
"""
from alembic import op
import sqlalchemy as sa

revision = "0003_touchpoint_follows"
down_revision = "0002_campaign_sample_data"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("touchpoints") as batch_op:
        batch_op.add_column(sa.Column("follows_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_touchpoints_follows_id"), ["follows_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_touchpoints_follows_id_touchpoints"), "touchpoints", ["follows_id"], ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("touchpoints") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_touchpoints_follows_id_touchpoints"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_touchpoints_follows_id"))
        batch_op.drop_column("follows_id")
