"""each source's month keeps the number of its payments awaiting a statement line

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-04 03:00:00

The ledger and the reconciliation page show, per month, the payments no statement line has matched
(a reversal pair that no line matches needs none). Counting them per request scanned every payment
of the source: 0.8-1 s for a county account of 1,000,000 payments. The month summary now keeps the
count, moved with each payment and counted again for the months a reversal, a match or an unmatch
touches (funds.ledger.services.refresh_awaiting). Existing months are counted here.
"""
import sqlalchemy as sa
from alembic import op


revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None

AWAITING = """
UPDATE source_month SET awaiting = (
    SELECT COUNT(*) FROM payment p
    WHERE p.source_id = source_month.source_id AND p.period = source_month.period
      AND NOT EXISTS (SELECT 1 FROM statement_line l WHERE l.payment_id = p.id)
      AND NOT EXISTS (SELECT 1 FROM payment o WHERE (o.reversal_of_id = p.id OR o.id = p.reversal_of_id)
                      AND NOT EXISTS (SELECT 1 FROM statement_line m WHERE m.payment_id = o.id)))
"""


def upgrade():
    with op.batch_alter_table('source_month', schema=None) as batch_op:
        batch_op.add_column(sa.Column('awaiting', sa.Integer(), server_default='0', nullable=False))
    op.execute(AWAITING)
    with op.batch_alter_table('source_month', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_source_month_awaiting_within_entries'),
                                         "awaiting BETWEEN 0 AND entries")


def downgrade():
    with op.batch_alter_table('source_month', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_source_month_awaiting_within_entries'), type_='check')
        batch_op.drop_column('awaiting')
