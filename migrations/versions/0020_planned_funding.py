"""planned funding by source (资金来源计划): each project's library entry says what each source will give

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 17:20:00

Existing projects have no plan; their allocations show as allocated beyond the plan until one is set.
"""
from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'planned_funding',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('source_id', sa.Integer(), nullable=False),
        sa.Column('amount_fen', sa.BigInteger(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('amount_fen > 0', name=op.f('ck_planned_funding_amount_positive')),
        sa.CheckConstraint('amount_fen <= 1000000000000000', name=op.f('ck_planned_funding_amount_within_cap')),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_planned_funding_project_id_project')),
        sa.ForeignKeyConstraint(['source_id'], ['fund_source.id'], name=op.f('fk_planned_funding_source_id_fund_source')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_planned_funding')),
        sa.UniqueConstraint('project_id', 'source_id', name=op.f('uq_planned_funding_project_id_source_id')),
    )
    with op.batch_alter_table('planned_funding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_planned_funding_project_id'), ['project_id'], unique=False)


def downgrade():
    op.drop_table('planned_funding')
