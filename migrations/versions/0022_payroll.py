"""work-for-relief rosters and payrolls (务工花名册, 工资发放表); two fund-rule kinds read from them

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 17:00:00

Workers' identity and card numbers are stored encrypted (payroll.personal_data), with masked forms
and a keyed lookup hash beside them. A posted payroll names its payment and the payment's amount
through a composite foreign key to a new unique index on payment (id, amount_fen), and a CHECK
holds that amount equal to the payroll's total. The fund rules gain `wages_overdue` and
`household_share_floor` (the kind CHECK of fund_rule is widened; existing rows are unchanged).
"""
from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

RULE_KINDS_BEFORE = ("'eligible_categories','wage_share_floor','management_fee_cap','negative_list',"
                     "'spending_after_completion','idle_allocation','payment_approval'")  # 0021 added the last
RULE_KINDS_AFTER = RULE_KINDS_BEFORE + ",'wages_overdue','household_share_floor'"


def upgrade():
    # The pair a posted payroll's foreign key names (payment id, amount): first, so the key has its target.
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.create_index('uq_payment_id_amount', ['id', 'amount_fen'], unique=True)
    op.create_table('worker',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('id_number_encrypted', sa.Text(), nullable=False),
    sa.Column('id_number_masked', sa.String(length=18), nullable=False),
    sa.Column('id_lookup', sa.String(length=64), nullable=False),
    sa.Column('village', sa.String(length=100), nullable=False),
    sa.Column('household', sa.String(length=16), nullable=False),
    sa.Column('bank_name', sa.String(length=100), nullable=False),
    sa.Column('card_encrypted', sa.Text(), nullable=True),
    sa.Column('card_masked', sa.String(length=19), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("household IN ('registered','monitored','other')", name=op.f('ck_worker_household_known')),
    sa.CheckConstraint('length(id_lookup) = 64', name=op.f('ck_worker_lookup_is_hash')),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_worker_name_present')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_worker_created_by_id_user')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_worker_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_worker')),
    sa.UniqueConstraint('project_id', 'id_lookup', name='uq_worker_once_per_project')
    )
    with op.batch_alter_table('worker', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_worker_project_id'), ['project_id'], unique=False)

    op.create_table('payroll',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('total_fen', sa.BigInteger(), nullable=False),
    sa.Column('line_count', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('payment_amount_fen', sa.BigInteger(), nullable=True),
    sa.Column('posted_at', sa.DateTime(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("(status = 'draft' AND payment_id IS NULL AND payment_amount_fen IS NULL) OR (status = 'posted' AND payment_id IS NOT NULL AND total_fen > 0 AND payment_amount_fen = total_fen)", name=op.f('ck_payroll_posted_equals_payment')),
    sa.CheckConstraint("status IN ('draft','posted')", name=op.f('ck_payroll_status_known')),
    sa.CheckConstraint('line_count >= 0', name=op.f('ck_payroll_line_count_not_negative')),
    sa.CheckConstraint('period BETWEEN 200001 AND 299912', name=op.f('ck_payroll_period_plausible')),
    sa.CheckConstraint('total_fen >= 0 AND total_fen <= 10000000000000', name=op.f('ck_payroll_total_within_cap')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_payroll_created_by_id_user')),
    sa.ForeignKeyConstraint(['milestone_id', 'project_id'], ['milestone.id', 'milestone.project_id'], name='fk_payroll_milestone_of_project'),
    sa.ForeignKeyConstraint(['payment_id', 'payment_amount_fen'], ['payment.id', 'payment.amount_fen'], name='fk_payroll_payment_of_total'),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_payroll_project_id_project')),
    sa.ForeignKeyConstraint(['source_id', 'project_id'], ['allocation.source_id', 'allocation.project_id'], name='fk_payroll_allocation'),
    sa.ForeignKeyConstraint(['source_id'], ['fund_source.id'], name=op.f('fk_payroll_source_id_fund_source')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payroll')),
    sa.UniqueConstraint('payment_id', name=op.f('uq_payroll_payment_id')),
    sa.UniqueConstraint('project_id', 'period', name='uq_payroll_project_month')
    )
    with op.batch_alter_table('payroll', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payroll_source_id'), ['source_id'], unique=False)

    op.create_table('payroll_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payroll_id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('days', sa.Numeric(precision=4, scale=1), nullable=False),
    sa.Column('daily_rate_fen', sa.BigInteger(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('is_manager', sa.Boolean(), nullable=False),
    sa.CheckConstraint('amount_fen > 0 AND amount_fen <= 10000000000000', name=op.f('ck_payroll_line_amount_positive')),
    sa.CheckConstraint('daily_rate_fen > 0 AND daily_rate_fen <= 10000000000000', name=op.f('ck_payroll_line_rate_positive')),
    sa.CheckConstraint('days > 0 AND days <= 31', name=op.f('ck_payroll_line_days_in_month')),
    sa.ForeignKeyConstraint(['payroll_id'], ['payroll.id'], name=op.f('fk_payroll_line_payroll_id_payroll')),
    sa.ForeignKeyConstraint(['worker_id'], ['worker.id'], name=op.f('fk_payroll_line_worker_id_worker')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payroll_line')),
    sa.UniqueConstraint('payroll_id', 'worker_id', name='uq_payroll_line_worker_once')
    )
    with op.batch_alter_table('payroll_line', schema=None) as batch_op:
        batch_op.create_index('ix_payroll_line_payroll', ['payroll_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payroll_line_worker_id'), ['worker_id'], unique=False)

    with op.batch_alter_table('fund_rule', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_fund_rule_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_fund_rule_kind_known'), "kind IN (" + RULE_KINDS_AFTER + ")")


def downgrade():
    with op.batch_alter_table('fund_rule', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_fund_rule_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_fund_rule_kind_known'), "kind IN (" + RULE_KINDS_BEFORE + ")")
    with op.batch_alter_table('payroll_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payroll_line_worker_id'))
        batch_op.drop_index('ix_payroll_line_payroll')

    op.drop_table('payroll_line')
    with op.batch_alter_table('payroll', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payroll_source_id'))

    op.drop_table('payroll')
    with op.batch_alter_table('worker', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_worker_project_id'))

    op.drop_table('worker')
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_index('uq_payment_id_amount')
