"""the standing fund-rule breaches, kept in step with the ledger; which kept figures are built; when
each milestone's planned cost starts to accrue

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 09:00:00

The checks page, the dashboard and the source and project pages evaluated every rule on every
allocation of the county for each new data version (0.4-0.8 s at county scale, 17 s at 10x).
standing_breach holds what the rules find, kept in step by the services that change their facts
(funds.rules.standing). A migration must not run the application's code, so the table starts
empty: kept_state says it is built at once when there is nothing to build it from (no allocation
yet), else the server builds it in the background at its start (or `flask checks --rebuild` does)
and the pages evaluate in full until then.

milestone.accrues_from is the start of a milestone's accrual window (projects.accrual), kept in step
by the planning services, so that planned value at a day is one SQL aggregate: earned value and the
monthly plan no longer read every milestone of the county into memory for each data version. Plain
SQL fills it for an existing plan (tests/test_kept_accrual.py proves it gives what planning keeps).
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'kept_state',
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('built_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_kept_state')),
    )
    op.create_table(
        'standing_breach',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('allocation_id', sa.Integer(), nullable=False),
        sa.Column('rule_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('source_id', sa.Integer(), nullable=False),
        sa.Column('source_code', sa.String(length=32), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('project_code', sa.String(length=32), nullable=False),
        sa.Column('project_name', sa.String(length=200), nullable=False),
        sa.Column('detail', sa.JSON(), nullable=False),
        sa.Column('words', sa.JSON(), nullable=False),
        sa.Column('due_after', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['allocation_id'], ['allocation.id'],
                                name=op.f('fk_standing_breach_allocation_id_allocation')),
        sa.ForeignKeyConstraint(['rule_id'], ['fund_rule.id'], name=op.f('fk_standing_breach_rule_id_fund_rule')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_standing_breach')),
    )
    op.create_index(op.f('ix_standing_breach_allocation_id'), 'standing_breach', ['allocation_id'], unique=False)
    op.create_index(op.f('ix_standing_breach_source_id'), 'standing_breach', ['source_id'], unique=False)
    op.create_index(op.f('ix_standing_breach_project_id'), 'standing_breach', ['project_id'], unique=False)
    op.create_index('ix_standing_breach_kind_due', 'standing_breach', ['kind', 'due_after'], unique=False)
    op.execute("INSERT INTO kept_state (name, built_at) SELECT 'standing_breach', CURRENT_TIMESTAMP "
               "WHERE NOT EXISTS (SELECT 1 FROM allocation)")
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accrues_from', sa.Date(), nullable=True))
    # projects.accrual: from the later of the project's planned start and the planned date of the
    # milestone before (by date, then id), when that is earlier than its own date; else its own date.
    op.execute(f"UPDATE milestone SET accrues_from = {ACCRUES_FROM}")


PREVIOUS_DATE = ("(SELECT m2.planned_date FROM milestone m2 WHERE m2.project_id = milestone.project_id AND "
                 "(m2.planned_date < milestone.planned_date OR (m2.planned_date = milestone.planned_date "
                 "AND m2.id < milestone.id)) ORDER BY m2.planned_date DESC, m2.id DESC LIMIT 1)")
PLANNED_START = "(SELECT p.planned_start FROM project p WHERE p.id = milestone.project_id)"
PREVIOUS = (f"(CASE WHEN {PLANNED_START} IS NULL THEN {PREVIOUS_DATE} WHEN {PREVIOUS_DATE} IS NULL "
            f"THEN {PLANNED_START} WHEN {PREVIOUS_DATE} > {PLANNED_START} THEN {PREVIOUS_DATE} "
            f"ELSE {PLANNED_START} END)")
ACCRUES_FROM = (f"(CASE WHEN {PREVIOUS} IS NOT NULL AND {PREVIOUS} < milestone.planned_date THEN {PREVIOUS} "
                "ELSE milestone.planned_date END)")


def downgrade():
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.drop_column('accrues_from')
    op.drop_index('ix_standing_breach_kind_due', table_name='standing_breach')
    op.drop_index(op.f('ix_standing_breach_project_id'), table_name='standing_breach')
    op.drop_index(op.f('ix_standing_breach_source_id'), table_name='standing_breach')
    op.drop_index(op.f('ix_standing_breach_allocation_id'), table_name='standing_breach')
    op.drop_table('standing_breach')
    op.drop_table('kept_state')
