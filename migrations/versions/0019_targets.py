"""performance targets (绩效目标): a project's indicators in three tiers, with target and actual values

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-11 09:00:00

Existing projects have no indicators; they may be added to them. Only proposals approved from now on
need them (the gate applies to moves from now on).
"""
from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'performance_target',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('tier', sa.String(length=16), nullable=False),
        sa.Column('category', sa.String(length=16), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('unit', sa.String(length=32), nullable=False),
        sa.Column('comparison', sa.String(length=2), nullable=False),
        sa.Column('target_value', sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column('actual_value', sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column('actual_on', sa.Date(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.CheckConstraint("tier IN ('output','benefit','satisfaction')", name=op.f('ck_performance_target_tier_known')),
        sa.CheckConstraint("category IN ('quantity','quality','timeliness','cost','economic','social','ecological',"
                           "'sustainability','beneficiary')", name=op.f('ck_performance_target_category_known')),
        sa.CheckConstraint("comparison IN ('ge','le','eq')", name=op.f('ck_performance_target_comparison_known')),
        sa.CheckConstraint('length(name) > 0 AND length(unit) > 0',
                           name=op.f('ck_performance_target_named_with_unit')),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_performance_target_project_id_project')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_performance_target')),
    )
    with op.batch_alter_table('performance_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_performance_target_project_id'), ['project_id'], unique=False)


def downgrade():
    op.drop_table('performance_target')
