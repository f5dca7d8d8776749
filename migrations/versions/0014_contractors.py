"""the contractor register

Revision ID: 0014
Revises: 0013
Create Date: 2027-01-10 10:00:00

contractor: a supplier registered once with its unified social credit code (checked by the services;
empty only for contractors carried over from projects' free-text field, a later step), legal
representative, contact and bank. projects' free-text `contractor` stays as it is: no row is made
from it here, so nothing is lost or guessed.
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'contractor',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('uscc', sa.String(length=18), nullable=True),
        sa.Column('legal_representative', sa.String(length=100), nullable=True),
        sa.Column('contact_person', sa.String(length=100), nullable=True),
        sa.Column('contact_phone', sa.String(length=40), nullable=True),
        sa.Column('bank_name', sa.String(length=200), nullable=True),
        sa.Column('bank_account', sa.String(length=40), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.CheckConstraint('length(name) > 0', name=op.f('ck_contractor_name_present')),
        sa.CheckConstraint('uscc IS NULL OR length(uscc) = 18', name=op.f('ck_contractor_uscc_length')),
        sa.CheckConstraint('bank_account IS NULL OR bank_name IS NOT NULL',
                           name=op.f('ck_contractor_account_with_bank')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_contractor_created_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contractor')),
        sa.UniqueConstraint('name', name=op.f('uq_contractor_name')),
        sa.UniqueConstraint('uscc', name=op.f('uq_contractor_uscc')),
    )


def downgrade():
    op.drop_table('contractor')
