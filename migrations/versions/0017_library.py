"""project library (项目库): library entry fields, the township's review, accounts scoped to an area

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-10 12:00:00

Existing projects keep their status; their library fields stay empty and review_state NULL (entered
before the library), so nothing already approved is blocked: the gates apply to moves from now on.
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

NATURES = "nature IS NULL OR nature IN ('new','rebuild','expansion','repair')"
REVIEW = "review_state IS NULL OR review_state IN ('submitted','agreed','returned')"
BENEFICIARIES = ("(beneficiary_count IS NULL OR beneficiary_count >= 0) AND "
                 "(beneficiary_poverty_count IS NULL OR beneficiary_poverty_count >= 0) AND "
                 "(beneficiary_monitored_count IS NULL OR beneficiary_monitored_count >= 0)")


def upgrade():
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nature', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('beneficiaries', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('beneficiary_count', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('beneficiary_poverty_count', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('beneficiary_monitored_count', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('benefit_linkage', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('review_state', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('review_note', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('library_year', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_project_library_year'), ['library_year'], unique=False)
        batch_op.create_check_constraint('nature_known', NATURES)
        batch_op.create_check_constraint('review_state_known', REVIEW)
        batch_op.create_check_constraint('beneficiaries_not_negative', BENEFICIARIES)
    with op.batch_alter_table('project', schema=None) as batch_op:
        for column in ('beneficiaries', 'benefit_linkage', 'review_note'):
            batch_op.alter_column(column, server_default=None)
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('area_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_user_area_id_area'), 'area', ['area_id'], ['id'])


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_user_area_id_area'), type_='foreignkey')
        batch_op.drop_column('area_id')
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_constraint('beneficiaries_not_negative', type_='check')
        batch_op.drop_constraint('review_state_known', type_='check')
        batch_op.drop_constraint('nature_known', type_='check')
        batch_op.drop_index(batch_op.f('ix_project_library_year'))
        for column in ('library_year', 'review_note', 'review_state', 'benefit_linkage',
                       'beneficiary_monitored_count', 'beneficiary_poverty_count', 'beneficiary_count',
                       'beneficiaries', 'nature'):
            batch_op.drop_column(column)
