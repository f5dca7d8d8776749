"""the spending_schedule fund-rule kind (序时进度: a source's payouts behind the schedule)

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03 20:30:00

Only the kind CHECK of fund_rule is widened (existing rows are unchanged). The rule's breaches
(kind behind_schedule) are a source's, read fresh from the balances each source keeps, so no table
is added. The county's monthly curve is a setting (LIANDONG_SPENDING_CURVE), not data.
"""
from alembic import op


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

# Every kind the CHECK allows, in one place: before this revision, and the one it adds.
RULE_KINDS_BEFORE = ("'eligible_categories','wage_share_floor','management_fee_cap','negative_list',"
                     "'spending_after_completion','idle_allocation','payment_approval',"
                     "'wages_overdue','household_share_floor'")  # 0022 added the last two
RULE_KINDS_AFTER = RULE_KINDS_BEFORE + ",'spending_schedule'"


def _kinds(kinds: str) -> None:
    with op.batch_alter_table('fund_rule', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_fund_rule_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_fund_rule_kind_known'), "kind IN (" + kinds + ")")


def upgrade():
    _kinds(RULE_KINDS_AFTER)


def downgrade():
    # The older schema cannot hold such a rule: its rows go (no breach row refers to them).
    op.execute("DELETE FROM fund_rule WHERE kind = 'spending_schedule'")
    _kinds(RULE_KINDS_BEFORE)
