"""allocation totals by cost category, kept in step; indexes for the fund-rule checks

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 14:50:00

The checks summed every payment by (source, project, cost category) on each request (0.4-0.7 s at
county scale). allocation_category holds those sums, filled here from the payments and kept in
step by funds.services afterwards.
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

COST_CATEGORIES = ("wages", "materials", "equipment", "management_fee", "other")


def upgrade():
    op.create_table(
        'allocation_category',
        sa.Column('allocation_id', sa.Integer(), nullable=False),
        sa.Column('cost_category', sa.String(length=16), nullable=False),
        sa.Column('spent_fen', sa.BigInteger(), nullable=False),
        sa.CheckConstraint("cost_category IN (" + ",".join(f"'{c}'" for c in COST_CATEGORIES) + ")",
                           name=op.f('ck_allocation_category_cost_category_known')),
        sa.ForeignKeyConstraint(['allocation_id'], ['allocation.id'],
                                name=op.f('fk_allocation_category_allocation_id_allocation')),
        sa.PrimaryKeyConstraint('allocation_id', 'cost_category', name=op.f('pk_allocation_category')),
    )
    op.execute(
        "INSERT INTO allocation_category (allocation_id, cost_category, spent_fen) "
        "SELECT a.id, p.cost_category, SUM(p.amount_fen) FROM payment p "
        "JOIN allocation a ON a.source_id = p.source_id AND a.project_id = p.project_id "
        "GROUP BY a.id, p.cost_category")
    op.create_index('ix_payment_project_paid_on', 'payment', ['project_id', 'paid_on'], unique=False)
    op.create_index('ix_payment_source_paid_on', 'payment', ['source_id', 'paid_on'], unique=False)
    op.create_index('ix_allocation_entry_allocation_day', 'allocation_entry', ['allocation_id', 'entry_date'],
                    unique=False)


def downgrade():
    op.drop_index('ix_allocation_entry_allocation_day', table_name='allocation_entry')
    op.drop_index('ix_payment_project_paid_on', table_name='payment')
    op.drop_index('ix_payment_source_paid_on', table_name='payment')
    op.drop_table('allocation_category')
