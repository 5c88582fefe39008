"""segment rules (which contacts a segment holds), and a partial index per property type for counting them

Revision ID: 0012_segment_rules
Revises: 0011_contacts
"""
from alembic import op
import sqlalchemy as sa

revision = "0012_segment_rules"
down_revision = "0011_contacts"
branch_labels = None
depends_on = None

TYPES = ("string", "integer", "decimal", "boolean", "datetime")


def upgrade():
    op.create_table(
        "segment_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["segment_id"], ["segments.id"], name=op.f("fk_segment_rules_segment_id_segments"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"],
                                name=op.f("fk_segment_rules_workspace_id_workspaces"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_segment_rules")),
        sa.UniqueConstraint("segment_id", name=op.f("uq_segment_rules_segment_id")),
    )
    op.create_index(op.f("ix_segment_rules_workspace_id"), "segment_rules", ["workspace_id"])
    for kind in TYPES:
        op.create_index(f"ix_contact_properties_{kind}", "contact_properties", ["name", f"{kind}_value", "contact_id"],
                        sqlite_where=sa.text(f"type = '{kind}'"), postgresql_where=sa.text(f"type = '{kind}'"))


def downgrade():
    for kind in TYPES:
        op.drop_index(f"ix_contact_properties_{kind}", table_name="contact_properties")
    op.drop_index(op.f("ix_segment_rules_workspace_id"), table_name="segment_rules")
    op.drop_table("segment_rules")
