"""indexes for a source's ledger and the project list at ten times county scale

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-04 03:10:00

A county account funds ~40,000 allocations at ten times county scale. Its ledger lists the 100
with the most left to spend (sorted by amount - spent: 60 ms on PostgreSQL) and the newest 200
allocation entries (walked through every entry of the source: 113 ms). Read off an index each:
4 ms and 16 ms. The project list's "late" flag looked for an unfinished milestone past its date
by scanning all 500,000 milestones (88 ms); a partial index of the unfinished ones answers in 10 ms.
The reports' data version sums the projects' row versions (29 ms over 50,000 wide rows): off an index
of the versions instead.
"""
import sqlalchemy as sa
from alembic import op


revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_allocation_source_left', 'allocation', ['source_id', sa.text('(amount_fen - spent_fen)')])
    op.create_index('ix_allocation_entry_day', 'allocation_entry', ['entry_date', 'id'])
    op.create_index('ix_project_version', 'project', ['version'])
    op.create_index('ix_milestone_unfinished', 'milestone', ['planned_date', 'project_id'],
                    postgresql_where=sa.text('progress_pct < 100'), sqlite_where=sa.text('progress_pct < 100'))


def downgrade():
    op.drop_index('ix_milestone_unfinished', table_name='milestone')
    op.drop_index('ix_project_version', table_name='project')
    op.drop_index('ix_allocation_entry_day', table_name='allocation_entry')
    op.drop_index('ix_allocation_source_left', table_name='allocation')
