"""payment requests and their approval (maker–checker); the approver's right; the payment_approval rule

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 17:00:00

payment_request keeps a payment's fields until a second account decides. The database refuses a
decision by the preparer (CHECK decider_not_preparer), an approved request without its payment and
one payment claimed by two requests (UNIQUE payment_id). user.can_approve is the administrator's
grant, to finance accounts only. fund_rule gains the kind payment_approval. Existing payments were
entered before approval existed: they get no request (nothing is invented for them).
"""
from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

OLD_KINDS = ("'eligible_categories','wage_share_floor','management_fee_cap','negative_list',"
             "'spending_after_completion','idle_allocation'")
NEW_KINDS = OLD_KINDS + ",'payment_approval'"


def upgrade():
    op.create_table(
        'payment_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('source_id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('milestone_id', sa.Integer(), nullable=False),
        sa.Column('voucher_no', sa.String(length=64), nullable=False),
        sa.Column('payee', sa.String(length=200), nullable=False),
        sa.Column('paid_on', sa.Date(), nullable=False),
        sa.Column('amount_fen', sa.BigInteger(), nullable=False),
        sa.Column('cost_category', sa.String(length=16), nullable=False),
        sa.Column('contract_id', sa.Integer(), nullable=True),
        sa.Column('retention_release', sa.Boolean(), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('prepared_by_id', sa.Integer(), nullable=False),
        sa.Column('prepared_at', sa.DateTime(), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('decision_reason', sa.Text(), nullable=True),
        sa.Column('payment_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("state IN ('waiting','approved','rejected','direct')",
                           name=op.f('ck_payment_request_state_known')),
        sa.CheckConstraint('amount_fen > 0', name=op.f('ck_payment_request_amount_positive')),
        sa.CheckConstraint('decided_by_id IS NULL OR decided_by_id <> prepared_by_id',
                           name=op.f('ck_payment_request_decider_not_preparer')),
        sa.CheckConstraint("(state IN ('approved','direct')) = (payment_id IS NOT NULL)",
                           name=op.f('ck_payment_request_paid_when_posted')),
        sa.CheckConstraint("(state IN ('approved','rejected')) = (decided_by_id IS NOT NULL AND decided_at IS NOT NULL)",
                           name=op.f('ck_payment_request_decided_with_decider')),
        sa.CheckConstraint("state <> 'rejected' OR length(decision_reason) > 0",
                           name=op.f('ck_payment_request_rejected_with_reason')),
        sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_payment_request_contract_id_contract')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_payment_request_decided_by_id_user')),
        sa.ForeignKeyConstraint(['milestone_id', 'project_id'], ['milestone.id', 'milestone.project_id'],
                                name='fk_payment_request_milestone_of_project'),
        sa.ForeignKeyConstraint(['payment_id'], ['payment.id'], name=op.f('fk_payment_request_payment_id_payment')),
        sa.ForeignKeyConstraint(['prepared_by_id'], ['user.id'], name=op.f('fk_payment_request_prepared_by_id_user')),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_payment_request_project_id_project')),
        sa.ForeignKeyConstraint(['source_id'], ['fund_source.id'], name=op.f('fk_payment_request_source_id_fund_source')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_request')),
        sa.UniqueConstraint('payment_id', name=op.f('uq_payment_request_payment_id')),
    )
    with op.batch_alter_table('payment_request', schema=None) as batch_op:
        batch_op.create_index('ix_payment_request_state', ['state'], unique=False)
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('can_approve', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_check_constraint(op.f('ck_user_approver_in_finance'), "NOT can_approve OR role = 'finance'")
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('can_approve', server_default=None)
    with op.batch_alter_table('fund_rule', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_fund_rule_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_fund_rule_kind_known'), f"kind IN ({NEW_KINDS})")


def downgrade():
    op.execute("DELETE FROM fund_rule WHERE kind = 'payment_approval'")
    with op.batch_alter_table('fund_rule', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_fund_rule_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_fund_rule_kind_known'), f"kind IN ({OLD_KINDS})")
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_user_approver_in_finance'), type_='check')
        batch_op.drop_column('can_approve')
    op.drop_table('payment_request')
