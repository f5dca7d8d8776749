"""each account's unit for money on lists (元 or 万元)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 12:00:00

NULL means the account has not chosen: lists then show 万元 (core/units.py).
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('money_unit', sa.String(length=8), nullable=True))
        batch_op.create_check_constraint('money_unit_known', "money_unit IS NULL OR money_unit IN ('yuan','wan')")


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint('money_unit_known', type_='check')
        batch_op.drop_column('money_unit')
