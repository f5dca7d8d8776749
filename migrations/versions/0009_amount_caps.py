"""caps on every amount and balance

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 10:50:00

Amounts are capped (one entry at most 10^13 fen, a balance at most 10^15 fen:
core.money) so that no sum can overflow a 64-bit integer, which SQLite turned into a float.
On SQLite a CHECK can only be added by rebuilding the table (Alembic's batch mode): the indexes are
recreated from the models below, partial ones included, because reflection does not keep their WHERE.
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

MAX_FEN, MAX_TOTAL_FEN = 10**13, 10**15
ENTRY_CAP = f"amount_fen BETWEEN {-MAX_FEN} AND {MAX_FEN}"
CAPS = {  # table: [(constraint name without the ck_<table>_ prefix, condition)]
    'fund_source': [('received_within_cap', f"received_fen <= {MAX_TOTAL_FEN}")],
    'appropriation': [('amount_within_cap', ENTRY_CAP)],
    'allocation': [('amount_within_cap', f"amount_fen <= {MAX_TOTAL_FEN}")],
    'allocation_category': [('spent_within_cap', f"spent_fen BETWEEN {-MAX_TOTAL_FEN} AND {MAX_TOTAL_FEN}")],
    'source_month': [('sums_within_cap', f"paid_fen <= {MAX_TOTAL_FEN} AND reversed_fen >= {-MAX_TOTAL_FEN}")],
    'allocation_entry': [('delta_within_cap', f"delta_fen BETWEEN {-MAX_FEN} AND {MAX_FEN}")],
    'payment': [('amount_within_cap', ENTRY_CAP)],
    'statement_line': [('amount_within_cap', f"amount_fen <= {MAX_FEN}")],
    'project': [('money_within_cap', f"budget_fen <= {MAX_FEN} AND allocated_fen <= {MAX_TOTAL_FEN}")],
    'milestone': [('planned_cost_within_cap', f"planned_cost_fen <= {MAX_FEN}")],
}
# Partial indexes, which SQLite's batch rebuild would recreate without their WHERE clause.
PARTIAL = {
    'payment': [('ix_payment_source_reversal', ['source_id', 'reversal_of_id'], 'reversal_of_id IS NOT NULL')],
}


def upgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table, caps in CAPS.items():
        partial = PARTIAL.get(table, []) if sqlite else []
        for name, _, _ in partial:
            op.drop_index(name, table_name=table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, condition in caps:
                batch_op.create_check_constraint(op.f(f'ck_{table}_{name}'), condition)
        for name, columns, where in partial:
            op.create_index(name, table, columns, unique=False, sqlite_where=sa.text(where))


def downgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table, caps in CAPS.items():
        partial = PARTIAL.get(table, []) if sqlite else []
        for name, _, _ in partial:
            op.drop_index(name, table_name=table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _ in caps:
                batch_op.drop_constraint(op.f(f'ck_{table}_{name}'), type_='check')
        for name, columns, where in partial:
            op.create_index(name, table, columns, unique=False, sqlite_where=sa.text(where))
