"""personas per workspace (a segment belongs to one, a campaign starts from its main one) and the goal questions:
a campaign's KPI and target and how its touchpoints affect one another, a phase's content needs, a touchpoint's feeling

Revision ID: 0013_personas
Revises: 0012_segment_rules
"""
from alembic import op
import sqlalchemy as sa

revision = "0013_personas"
down_revision = "0012_segment_rules"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "personas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("name_key", sa.String(length=240), server_default="", nullable=False),
        sa.Column("quote", sa.String(length=300), nullable=False),
        sa.Column("role", sa.String(length=300), nullable=False),
        sa.Column("goals", sa.Text(), nullable=False),
        sa.Column("needs", sa.Text(), nullable=False),
        sa.Column("motives", sa.Text(), nullable=False),
        sa.Column("sources", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], name=op.f("fk_personas_workspace_id_workspaces"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personas")),
    )
    op.create_index("uq_personas_workspace_id_name_key", "personas", ["workspace_id", "name_key"], unique=True)
    # Plain ADD COLUMN where no foreign key is added: no table is copied.
    op.add_column("campaigns", sa.Column("goal_kpi", sa.String(length=120), server_default="", nullable=False))
    op.add_column("campaigns", sa.Column("goal_target", sa.String(length=120), server_default="", nullable=False))
    op.add_column("campaigns", sa.Column("touchpoint_effects", sa.Text(), server_default="", nullable=False))
    op.add_column("phases", sa.Column("content_needs", sa.Text(), server_default="", nullable=False))
    op.add_column("touchpoints", sa.Column("feeling", sa.String(length=300), server_default="", nullable=False))
    # A new foreign key: SQLite rebuilds the table (batch mode, foreign keys off while migrating: migrations/env.py).
    for table in ("segments", "campaigns"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("persona_id", sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f"ix_{table}_persona_id"), ["persona_id"], unique=False)
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_persona_id_personas"), "personas", ["persona_id"], ["id"], ondelete="SET NULL",
            )


def downgrade():
    for table in ("campaigns", "segments"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"fk_{table}_persona_id_personas"), type_="foreignkey")
            batch_op.drop_index(batch_op.f(f"ix_{table}_persona_id"))
            batch_op.drop_column("persona_id")
    op.drop_column("touchpoints", "feeling")
    op.drop_column("phases", "content_needs")
    op.drop_column("campaigns", "touchpoint_effects")
    op.drop_column("campaigns", "goal_target")
    op.drop_column("campaigns", "goal_kpi")
    op.drop_index("uq_personas_workspace_id_name_key", table_name="personas")
    op.drop_table("personas")
