"""public notices (公示) and their objections

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-10 13:00:00

The photo of the posted board is a document attached to the notice (documents.owners "notice").
"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'notice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('place', sa.String(length=16), nullable=False),
        sa.Column('start_date', sa.Date(), nullable=False),
        sa.Column('end_date', sa.Date(), nullable=False),
        sa.Column('snapshot', sa.JSON(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('pre_approval','completion','fund_use')", name=op.f('ck_notice_kind_known')),
        sa.CheckConstraint("place IN ('village_board','township_board','county_website')",
                           name=op.f('ck_notice_place_known')),
        sa.CheckConstraint('end_date >= start_date', name=op.f('ck_notice_dates_ordered')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_notice_created_by_id_user')),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_notice_project_id_project')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notice')),
    )
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_project_id'), ['project_id'], unique=False)
    op.create_table(
        'objection',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('notice_id', sa.Integer(), nullable=False),
        sa.Column('received_on', sa.Date(), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('handling', sa.Text(), nullable=False),
        sa.Column('result', sa.Text(), nullable=False),
        sa.Column('resolved_on', sa.Date(), nullable=True),
        sa.CheckConstraint('length(summary) > 0', name=op.f('ck_objection_summary_present')),
        sa.CheckConstraint('resolved_on IS NULL OR (length(handling) > 0 AND length(result) > 0)',
                           name=op.f('ck_objection_resolved_with_result')),
        sa.ForeignKeyConstraint(['notice_id'], ['notice.id'], name=op.f('fk_objection_notice_id_notice')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_objection')),
    )
    with op.batch_alter_table('objection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objection_notice_id'), ['notice_id'], unique=False)


def downgrade():
    op.drop_table('objection')
    op.drop_table('notice')
