"""payments name the contract they are made under; the retention's release is a payment of its own

Revision ID: 0016
Revises: 0015
Create Date: 2027-01-10 12:00:00

payment.contract_id (none: payroll, small management costs) with a composite key refusing a contract
of another project; payment.retention_release marks the one payment that releases a contract's
retention. contract.paid_fen is moved with each payment and reversal under the contract's row lock,
its CHECKs (0012e) refusing anything beyond the value or into the retention before its release.
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_contract_id_project', ['id', 'project_id'])
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contract_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('retention_release', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.create_foreign_key('fk_payment_contract_of_project', 'contract', ['contract_id', 'project_id'],
                                    ['id', 'project_id'])
        batch_op.create_check_constraint(op.f('ck_payment_release_under_contract'),
                                         'NOT retention_release OR contract_id IS NOT NULL')
        batch_op.create_index('ix_payment_contract', ['contract_id'], unique=False)
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.alter_column('retention_release', server_default=None)


def downgrade():
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_index('ix_payment_contract')
        batch_op.drop_constraint(op.f('ck_payment_release_under_contract'), type_='check')
        batch_op.drop_constraint('fk_payment_contract_of_project', type_='foreignkey')
        batch_op.drop_column('retention_release')
        batch_op.drop_column('contract_id')
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_constraint('uq_contract_id_project', type_='unique')
