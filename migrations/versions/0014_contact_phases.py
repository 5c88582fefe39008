"""a contact's journey phase per campaign (contact_phases)

Revision ID: 0014_contact_phases
Revises: 0013_personas
"""
from alembic import op
import sqlalchemy as sa

revision = "0014_contact_phases"
down_revision = "0013_personas"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "contact_phases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("phase_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], name=op.f("fk_contact_phases_contact_id_contacts"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"],
                                name=op.f("fk_contact_phases_campaign_id_campaigns"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["phase_id"], ["phases.id"], name=op.f("fk_contact_phases_phase_id_phases"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_phases")),
    )
    op.create_index("uq_contact_phases_contact_id_campaign_id", "contact_phases", ["contact_id", "campaign_id"],
                    unique=True)
    op.create_index("ix_contact_phases_campaign_id_phase_id", "contact_phases", ["campaign_id", "phase_id"])


def downgrade():
    op.drop_index("ix_contact_phases_campaign_id_phase_id", table_name="contact_phases")
    op.drop_index("uq_contact_phases_contact_id_campaign_id", table_name="contact_phases")
    op.drop_table("contact_phases")
