"""payrolls through payment approval: a payroll may be submitted as a payment request

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 20:30:00

Posting a payroll from a source whose payments need approval (fund rule `payment_approval`) prepares
one payment request of its total and leaves the payroll "submitted" (a status longer than the old
column: widened to 16) naming the request; approval posts it, rejection or a reversed payment sends
it back to draft. The CHECK holding a posted payroll equal to its payment now also says what a draft
and a submitted payroll name. Existing rows (draft or posted, no request) satisfy it unchanged.
"""
from alembic import op
import sqlalchemy as sa


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

BEFORE = ("(status = 'draft' AND payment_id IS NULL AND payment_amount_fen IS NULL) OR (status = 'posted' AND "
          "payment_id IS NOT NULL AND total_fen > 0 AND payment_amount_fen = total_fen)")
AFTER = ("(status = 'draft' AND payment_id IS NULL AND payment_amount_fen IS NULL AND request_id IS NULL) OR "
         "(status = 'submitted' AND payment_id IS NULL AND payment_amount_fen IS NULL AND request_id IS NOT NULL "
         "AND total_fen > 0) OR "
         "(status = 'posted' AND payment_id IS NOT NULL AND total_fen > 0 AND payment_amount_fen = total_fen)")


def upgrade():
    with op.batch_alter_table('payroll', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_payroll_posted_equals_payment'), type_='check')
        batch_op.drop_constraint(op.f('ck_payroll_status_known'), type_='check')
        batch_op.alter_column('status', existing_type=sa.String(length=8), type_=sa.String(length=16),
                              existing_nullable=False)
        batch_op.add_column(sa.Column('request_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(op.f('uq_payroll_request_id'), ['request_id'])
        batch_op.create_foreign_key(op.f('fk_payroll_request_id_payment_request'), 'payment_request',
                                    ['request_id'], ['id'])
        batch_op.create_check_constraint(op.f('ck_payroll_status_known'),
                                         "status IN ('draft','submitted','posted')")
        batch_op.create_check_constraint(op.f('ck_payroll_posted_equals_payment'), AFTER)


def downgrade():
    # A submitted payroll has no place before this revision: it goes back to draft (its request stays).
    op.execute("UPDATE payroll SET status = 'draft', request_id = NULL WHERE status = 'submitted'")
    with op.batch_alter_table('payroll', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_payroll_posted_equals_payment'), type_='check')
        batch_op.drop_constraint(op.f('ck_payroll_status_known'), type_='check')
        batch_op.drop_constraint(op.f('fk_payroll_request_id_payment_request'), type_='foreignkey')
        batch_op.drop_constraint(op.f('uq_payroll_request_id'), type_='unique')
        batch_op.drop_column('request_id')
        batch_op.alter_column('status', existing_type=sa.String(length=16), type_=sa.String(length=8),
                              existing_nullable=False)
        batch_op.create_check_constraint(op.f('ck_payroll_status_known'), "status IN ('draft','posted')")
        batch_op.create_check_constraint(op.f('ck_payroll_posted_equals_payment'), BEFORE)
