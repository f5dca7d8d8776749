"""sign-in counters per account and address, per account and per address

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 10:40:00

Failed sign-ins were counted on the user row by a read-modify-write that parallel guesses outran;
they are now counted in sign_in_throttle (auth.throttle), so user.failed_logins and
user.locked_until go.
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sign_in_throttle',
        sa.Column('scope', sa.String(length=16), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('window_started', sa.DateTime(), nullable=True),
        sa.Column('locked_until', sa.DateTime(), nullable=True),
        sa.Column('lockouts', sa.Integer(), nullable=False),
        sa.CheckConstraint("scope IN ('account_address','account','address')",
                           name=op.f('ck_sign_in_throttle_scope_known')),
        sa.CheckConstraint('failures >= 0 AND lockouts >= 0', name=op.f('ck_sign_in_throttle_counts_not_negative')),
        sa.PrimaryKeyConstraint('scope', 'key', name=op.f('pk_sign_in_throttle')),
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(), nullable=True))
    op.drop_table('sign_in_throttle')
