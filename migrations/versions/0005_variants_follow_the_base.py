"""variants keep only what they change: fields that are copies of the base's inherit it again

Revision ID: 0005_variants_follow_the_base
Revises: 0004_position_name_constraints

Before, "Create a variant" copied the whole email into the variant, so its subject, preheader and body
stopped following later edits of the base. A variant field equal to the base's (ignoring whitespace at
the ends, as the editor compares them) is now stored as NULL: it inherits, as if never copied. A field
the author changed is kept. Downgrading leaves them inherited, which shows the same emails.
"""
from alembic import op
import sqlalchemy as sa

revision = "0005_variants_follow_the_base"
down_revision = "0004_position_name_constraints"
branch_labels = None
depends_on = None

FIELDS = ("subject", "preheader", "mjml")


def upgrade():
    connection = op.get_bind()
    variants = sa.table("variants", sa.column("id"), sa.column("touchpoint_id"), *(sa.column(f) for f in FIELDS))
    touchpoints = sa.table("touchpoints", sa.column("id"), *(sa.column(f) for f in FIELDS))
    rows = connection.execute(
        sa.select(variants.c.id, *(variants.c[f] for f in FIELDS), *(touchpoints.c[f].label(f"base_{f}") for f in FIELDS))
        .join(touchpoints, touchpoints.c.id == variants.c.touchpoint_id)
    ).all()
    for row in rows:
        copied = {
            f: None for f in FIELDS
            if getattr(row, f) is not None and getattr(row, f).strip() == (getattr(row, f"base_{f}") or "").strip()
        }
        if copied:
            connection.execute(sa.update(variants).where(variants.c.id == row.id).values(**copied))


def downgrade():
    pass
