"""accounts: users, workspaces, memberships, API tokens, invitations, password resets, audit entries;
every campaign and segment in a workspace

Revision ID: 0006_accounts
Revises: 0005_variants_follow_the_base

Existing campaigns and segments move into a workspace named "Default" (created only when there is
something to move). It has no member yet: the first user created becomes its owner
(accounts.services.adopt_unowned_workspaces). Segment names were unique across the database; they
are now unique within a workspace, ignoring case as before.
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

revision = "0006_accounts"
down_revision = "0005_variants_follow_the_base"
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "workspaces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("test_send_allow_list", sa.JSON(), server_default="[]", nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workspaces")),
        sa.UniqueConstraint("name", name=op.f("uq_workspaces_name")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("session_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("last_workspace_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["last_workspace_id"], ["workspaces.id"],
                                name=op.f("fk_users_last_workspace_id_workspaces"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_memberships_user_id_users"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"],
                                name=op.f("fk_memberships_workspace_id_workspaces"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memberships")),
        sa.UniqueConstraint("user_id", "workspace_id", name=op.f("uq_memberships_user_id")),
    )
    op.create_index(op.f("ix_memberships_workspace_id"), "memberships", ["workspace_id"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=True),
        sa.Column("last_used_at", TIMESTAMP, nullable=True),
        sa.Column("revoked_at", TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"],
                                name=op.f("fk_api_tokens_workspace_id_workspaces"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index(op.f("ix_api_tokens_user_id"), "api_tokens", ["user_id"])
    op.create_index(op.f("ix_api_tokens_workspace_id"), "api_tokens", ["workspace_id"])
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
        sa.Column("accepted_at", TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(["invited_by_id"], ["users.id"], name=op.f("fk_invitations_invited_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"],
                                name=op.f("fk_invitations_workspace_id_workspaces"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitations_token_hash")),
    )
    op.create_index(op.f("ix_invitations_workspace_id"), "invitations", ["workspace_id"])
    op.create_table(
        "password_resets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
        sa.Column("used_at", TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_password_resets_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_resets")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_password_resets_token_hash")),
    )
    op.create_index(op.f("ix_password_resets_user_id"), "password_resets", ["user_id"])
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("user_email", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("subject_kind", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("subject_name", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.JSON(), server_default="{}", nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_audit_entries_user_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"],
                                name=op.f("fk_audit_entries_workspace_id_workspaces"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    op.create_index("ix_audit_entries_workspace_id_at", "audit_entries", ["workspace_id", "at"])

    # Existing data goes into the "Default" workspace.
    connection = op.get_bind()
    has_data = any(
        connection.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first() for table in ("campaigns", "segments")
    )
    default_id = None
    if has_data:
        workspaces = sa.table("workspaces", sa.column("id"), sa.column("name"), sa.column("test_send_allow_list", sa.JSON),
                              sa.column("created_at", TIMESTAMP))
        connection.execute(workspaces.insert().values(name="Default", test_send_allow_list=[],
                                                      created_at=datetime.now(timezone.utc)))
        default_id = connection.execute(sa.select(workspaces.c.id).where(workspaces.c.name == "Default")).scalar_one()

    for table in ("campaigns", "segments"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("workspace_id", sa.Integer(), nullable=True))
        if default_id is not None:
            connection.execute(sa.text(f"UPDATE {table} SET workspace_id = :id").bindparams(id=default_id))
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column("workspace_id", existing_type=sa.Integer(), nullable=False)
            batch_op.create_foreign_key(op.f(f"fk_{table}_workspace_id_workspaces"), "workspaces", ["workspace_id"],
                                        ["id"], ondelete="CASCADE")
    with op.batch_alter_table("campaigns") as batch_op:
        batch_op.create_index(op.f("ix_campaigns_workspace_id"), ["workspace_id"])
    with op.batch_alter_table("segments") as batch_op:
        batch_op.drop_index("uq_segments_name_key")
        batch_op.drop_constraint("uq_segments_name", type_="unique")
        batch_op.create_index("uq_segments_workspace_id_name_key", ["workspace_id", "name_key"], unique=True)


class SegmentNamesClash(RuntimeError):
    """Segments of different workspaces share a name, which one database without workspaces cannot hold."""


def refuse_clashing_segment_names(connection):
    """Before 0006 segment names were unique in the whole database (ignoring case). Workspaces may each have
    a segment of the same name; merged, one of them would have to be renamed or lost, so the downgrade
    stops before it changes anything and names them."""
    rows = connection.execute(sa.text(
        "SELECT s.name_key, s.name, w.name AS workspace FROM segments s JOIN workspaces w ON w.id = s.workspace_id "
        "WHERE s.name_key IN (SELECT name_key FROM segments GROUP BY name_key HAVING COUNT(*) > 1) "
        "ORDER BY s.name_key, w.name"
    )).all()
    if not rows:
        return
    clashes = {}
    for row in rows:
        clashes.setdefault(row.name_key, []).append(f'"{row.name}" in {row.workspace}')
    listed = "; ".join(", ".join(found) for found in clashes.values())
    raise SegmentNamesClash(
        "Cannot downgrade below 0006_accounts: without workspaces every segment needs a name of its own, and "
        f"these segments of different workspaces share one: {listed}. Rename all but one of each (or delete "
        "them), then downgrade again. Nothing was changed."
    )


def downgrade():
    refuse_clashing_segment_names(op.get_bind())
    with op.batch_alter_table("segments") as batch_op:
        batch_op.drop_index("uq_segments_workspace_id_name_key")
        batch_op.create_unique_constraint("uq_segments_name", ["name"])
        batch_op.create_index("uq_segments_name_key", ["name_key"], unique=True)
        batch_op.drop_constraint("fk_segments_workspace_id_workspaces", type_="foreignkey")
        batch_op.drop_column("workspace_id")
    with op.batch_alter_table("campaigns") as batch_op:
        batch_op.drop_index(op.f("ix_campaigns_workspace_id"))
        batch_op.drop_constraint("fk_campaigns_workspace_id_workspaces", type_="foreignkey")
        batch_op.drop_column("workspace_id")
    for table in ("audit_entries", "password_resets", "invitations", "api_tokens", "memberships", "users", "workspaces"):
        op.drop_table(table)
