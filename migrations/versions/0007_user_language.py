"""a user's language: "de" or "en", or none to follow the browser

Revision ID: 0007_user_language
Revises: 0006_accounts
"""
from alembic import op
import sqlalchemy as sa

revision = "0007_user_language"
down_revision = "0006_accounts"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("locale", sa.String(length=10), nullable=True))


def downgrade():
    # ALTER TABLE ... DROP COLUMN, not batch mode: a batch would copy the users table, which others refer to.
    op.drop_column("users", "locale")
