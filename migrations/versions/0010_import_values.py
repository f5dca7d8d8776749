"""remembered import values; statement lines held apart in closed months

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 09:00:00

import_value keeps what a spreadsheet value mapped by hand means, per kind of column (import_values).
A statement line dated in a closed month is stored held apart (statement_line.held_reason) instead of
refusing the whole statement; statement_import counts them.
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

HELD_APART = ("held_reason IS NULL OR (held_reason IN ('month_closed') "
              "AND payment_id IS NULL AND explanation IS NULL)")


def upgrade():
    op.create_table(
        'import_value',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('value_key', sa.String(length=240), nullable=False),
        sa.Column('value', sa.String(length=300), nullable=False),
        sa.Column('code', sa.String(length=64), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('length(kind) > 0 AND length(value_key) > 0 AND length(code) > 0',
                           name=op.f('ck_import_value_parts_present')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_import_value_created_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_value')),
        sa.UniqueConstraint('kind', 'value_key', name=op.f('uq_import_value_kind_value_key')),
    )
    with op.batch_alter_table('statement_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held_reason', sa.String(length=16), nullable=True))
        batch_op.create_check_constraint(op.f('ck_statement_line_held_apart'), HELD_APART)
    with op.batch_alter_table('statement_import', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held_line_count', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('statement_import', schema=None) as batch_op:
        batch_op.alter_column('held_line_count', server_default=None)


def downgrade():
    with op.batch_alter_table('statement_import', schema=None) as batch_op:
        batch_op.drop_column('held_line_count')
    with op.batch_alter_table('statement_line', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_statement_line_held_apart'), type_='check')
        batch_op.drop_column('held_reason')
    op.drop_table('import_value')
