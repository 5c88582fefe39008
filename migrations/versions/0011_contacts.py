"""contacts, their typed properties, the imports that brought them and the mappings saved per source

Revision ID: 0011_contacts
Revises: 0010_esp_ledger
"""
from alembic import op
import sqlalchemy as sa

revision = "0011_contacts"
down_revision = "0010_esp_ledger"
branch_labels = None
depends_on = None

KEY = sa.String(length=320).with_variant(sa.String(length=320, collation="C"), "postgresql")


def upgrade():
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("email_key", KEY, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", KEY, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("opens", sa.Integer(), nullable=False),
        sa.Column("clicks", sa.Integer(), nullable=False),
        sa.Column("last_open_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_click_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opted_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("consent_source", sa.String(length=300), nullable=False),
        sa.Column("double_opt_in", sa.Boolean(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], name=op.f("fk_contacts_workspace_id_workspaces"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
    )
    op.create_index("uq_contacts_workspace_id_email_key", "contacts", ["workspace_id", "email_key"], unique=True)
    op.create_index("ix_contacts_workspace_id_name_key", "contacts", ["workspace_id", "name_key"])
    op.create_index("ix_contacts_workspace_id_status_email_key", "contacts", ["workspace_id", "status", "email_key"])
    op.create_table(
        "contact_properties",
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("type", sa.String(length=10), nullable=False),
        sa.Column("string_value", sa.Text(), nullable=True),
        sa.Column("integer_value", sa.BigInteger(), nullable=True),
        sa.Column("decimal_value", sa.Numeric(24, 6), nullable=True),
        sa.Column("boolean_value", sa.Boolean(), nullable=True),
        sa.Column("datetime_value", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"],
                                name=op.f("fk_contact_properties_contact_id_contacts"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("contact_id", "name", name=op.f("pk_contact_properties")),
    )
    op.create_index("ix_contact_properties_name_contact_id", "contact_properties", ["name", "contact_id"])
    op.create_table(
        "contact_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("encoding", sa.String(length=40), nullable=False),
        sa.Column("delimiter", sa.String(length=4), nullable=False),
        sa.Column("policy", sa.String(length=10), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False)
          for name in ("rows", "added", "updated", "skipped", "duplicates", "rejected", "status_kept")),
        sa.Column("rejected_rows", sa.JSON(), nullable=False),
        sa.Column("added_ids", sa.JSON(), nullable=False),
        sa.Column("replaced", sa.JSON(), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"],
                                name=op.f("fk_contact_imports_workspace_id_workspaces"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_contact_imports_user_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_imports")),
    )
    op.create_index("ix_contact_imports_workspace_id_id", "contact_imports", ["workspace_id", "id"])
    op.create_table(
        "contact_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("source_key", sa.String(length=200), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"],
                                name=op.f("fk_contact_mappings_workspace_id_workspaces"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_mappings")),
    )
    op.create_index("uq_contact_mappings_workspace_id_source_key", "contact_mappings", ["workspace_id", "source_key"],
                    unique=True)


def downgrade():
    op.drop_table("contact_mappings")
    op.drop_table("contact_imports")
    op.drop_table("contact_properties")
    op.drop_table("contacts")
