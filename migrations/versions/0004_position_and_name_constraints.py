"""unique places for phases and touchpoints, unique segment names ignoring case

Revision ID: 0004_position_name_constraints (the file's name shortened: alembic_version holds at most
32 characters, and PostgreSQL refuses a longer one)
Revises: 0003_touchpoint_follows

Before the indexes go on, the data is made to fit them: each campaign's phases and each phase's
touchpoints are numbered 0..n-1 again in their order (position, then ID), so duplicates and gaps
that concurrent moves left behind disappear; and a segment whose name equals an earlier one's
ignoring case gets a free name ("Ärzte (2)"). Unique indexes rather than table constraints: SQLite
adds them without rebuilding the tables (a rebuild would drop tables that others refer to).
"""
import unicodedata

from alembic import op
import sqlalchemy as sa

revision = "0004_position_name_constraints"
down_revision = "0003_touchpoint_follows"
branch_labels = None
depends_on = None

NAME_LENGTH = 80


def name_key(name):
    """segments.models.name_key as of this revision (a migration never imports the app's code)."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def renumber(connection, table, parent):
    rows = connection.execute(
        sa.select(table.c.id, table.c[parent], table.c.position).order_by(table.c[parent], table.c.position, table.c.id)
    ).all()
    changes, last_parent, index = [], None, 0
    for row in rows:
        index = 0 if row[1] != last_parent else index + 1
        last_parent = row[1]
        if row.position != index:
            changes.append({"row_id": row.id, "new_position": index})
    if changes:
        connection.execute(
            table.update().where(table.c.id == sa.bindparam("row_id")).values(position=sa.bindparam("new_position")),
            changes,
        )


def free_segment_names(connection, segments):
    """Every segment gets its name_key; of names equal ignoring case the first (by ID) keeps its name and
    the others get the first free " (2)", " (3)"... that equals no other name either."""
    rows = connection.execute(sa.select(segments.c.id, segments.c.name).order_by(segments.c.id)).all()
    keeps = {}
    for row in rows:
        keeps.setdefault(name_key(row.name), row.id)
    taken = set(keeps)
    updates = []
    for row in rows:
        name, key = row.name, name_key(row.name)
        number = 2
        while keeps[name_key(row.name)] != row.id and key in taken:
            suffix = f" ({number})"
            name = row.name[: NAME_LENGTH - len(suffix)].rstrip() + suffix
            key = name_key(name)
            number += 1
        taken.add(key)
        updates.append({"row_id": row.id, "new_name": name, "new_key": key})
    if updates:
        connection.execute(
            segments.update().where(segments.c.id == sa.bindparam("row_id"))
            .values(name=sa.bindparam("new_name"), name_key=sa.bindparam("new_key")),
            updates,
        )


def upgrade():
    connection = op.get_bind()
    metadata = sa.MetaData()
    phases = sa.Table("phases", metadata, sa.Column("id", sa.Integer), sa.Column("campaign_id", sa.Integer),
                      sa.Column("position", sa.Integer))
    touchpoints = sa.Table("touchpoints", metadata, sa.Column("id", sa.Integer), sa.Column("phase_id", sa.Integer),
                           sa.Column("position", sa.Integer))
    renumber(connection, phases, "campaign_id")
    renumber(connection, touchpoints, "phase_id")
    with op.batch_alter_table("phases") as batch_op:
        batch_op.create_index("uq_phases_campaign_id_position", ["campaign_id", "position"], unique=True)
    with op.batch_alter_table("touchpoints") as batch_op:
        batch_op.create_index("uq_touchpoints_phase_id_position", ["phase_id", "position"], unique=True)

    with op.batch_alter_table("segments") as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=240), nullable=False, server_default=""))
    segments = sa.Table("segments", metadata, sa.Column("id", sa.Integer), sa.Column("name", sa.String),
                        sa.Column("name_key", sa.String))
    free_segment_names(connection, segments)
    with op.batch_alter_table("segments") as batch_op:
        batch_op.create_index("uq_segments_name_key", ["name_key"], unique=True)


def downgrade():
    with op.batch_alter_table("segments") as batch_op:
        batch_op.drop_index("uq_segments_name_key")
    # ALTER TABLE ... DROP COLUMN, not batch mode: a batch would copy the table and drop the old one,
    # and with SQLite's foreign keys on, dropping segments deletes every variant and targeting with it.
    op.drop_column("segments", "name_key")
    with op.batch_alter_table("touchpoints") as batch_op:
        batch_op.drop_index("uq_touchpoints_phase_id_position")
    with op.batch_alter_table("phases") as batch_op:
        batch_op.drop_index("uq_phases_campaign_id_position")
