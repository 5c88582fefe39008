"""a campaign's address form: how its German emails address the reader, formal "Sie" or informal "du"

Revision ID: 0008_campaign_address_form
Revises: 0007_user_language
"""
from alembic import op
import sqlalchemy as sa

revision = "0008_campaign_address_form"
down_revision = "0007_user_language"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("campaigns", sa.Column("address_form", sa.String(length=10), nullable=False, server_default="formal"))


def downgrade():
    # ALTER TABLE ... DROP COLUMN, not batch mode: a batch would copy campaigns, which others refer to.
    op.drop_column("campaigns", "address_form")
