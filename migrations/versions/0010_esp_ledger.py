"""the push ledger: the IDs an ESP gave the objects a push created, so pushing again reuses them

Revision ID: 0010_esp_ledger
Revises: 0009_jobs
"""
from alembic import op
import sqlalchemy as sa

revision = "0010_esp_ledger"
down_revision = "0009_jobs"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pushed_objects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("esp", sa.String(length=20), nullable=False),
        sa.Column("account", sa.String(length=64), nullable=False),
        sa.Column("inputs", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("remote_id", sa.BigInteger(), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], name=op.f("fk_pushed_objects_campaign_id_campaigns"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"],
                                name=op.f("fk_pushed_objects_workspace_id_workspaces"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pushed_objects")),
        sa.UniqueConstraint("workspace_id", "campaign_id", "esp", "account", "inputs", "key",
                            name=op.f("uq_pushed_objects_workspace_id")),
    )
    op.create_index(op.f("ix_pushed_objects_campaign_id"), "pushed_objects", ["campaign_id"])
    op.create_index(op.f("ix_pushed_objects_workspace_id"), "pushed_objects", ["workspace_id"])


def downgrade():
    op.drop_index(op.f("ix_pushed_objects_workspace_id"), table_name="pushed_objects")
    op.drop_index(op.f("ix_pushed_objects_campaign_id"), table_name="pushed_objects")
    op.drop_table("pushed_objects")
