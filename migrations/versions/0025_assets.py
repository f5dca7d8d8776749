"""assets of accepted projects (资产移交): class, quantity, value, owner, custodian, handover

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 20:22:54

One table. An asset is a draft until handed over; a CHECK keeps the handover date together with its
owner and custodian. Projects accepted before this revision have no asset: the check
`asset_not_handed_over` names them once the county's days since acceptance have passed.
"""
from alembic import op
import sqlalchemy as sa


revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('asset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('asset_class', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=14, scale=3), nullable=True),
    sa.Column('unit', sa.String(length=32), nullable=False),
    sa.Column('value_fen', sa.BigInteger(), nullable=False),
    sa.Column('owner_type', sa.String(length=24), nullable=True),
    sa.Column('owner_name', sa.String(length=200), nullable=False),
    sa.Column('custodian', sa.String(length=200), nullable=False),
    sa.Column('maintenance_months', sa.Integer(), nullable=True),
    sa.Column('handed_over_on', sa.Date(), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("asset_class IN ('operating','public_welfare','household')", name=op.f('ck_asset_class_known')),
    sa.CheckConstraint("owner_type IS NULL OR owner_type IN ('village_collective','township','county_department','household')", name=op.f('ck_asset_owner_type_known')),
    sa.CheckConstraint('handed_over_on IS NULL OR (owner_type IS NOT NULL AND length(owner_name) > 0 AND length(custodian) > 0)', name=op.f('ck_asset_handover_names_owner_and_custodian')),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_asset_name_present')),
    sa.CheckConstraint('maintenance_months IS NULL OR maintenance_months BETWEEN 0 AND 1200', name=op.f('ck_asset_maintenance_in_range')),
    sa.CheckConstraint('quantity IS NULL OR quantity >= 0', name=op.f('ck_asset_quantity_not_negative')),
    sa.CheckConstraint('value_fen >= 0 AND value_fen <= 10000000000000', name=op.f('ck_asset_value_in_range')),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_asset_document_id_document')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_asset_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_asset'))
    )
    with op.batch_alter_table('asset', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_asset_handed_over_on'), ['handed_over_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_asset_project_id'), ['project_id'], unique=False)



def downgrade():
    with op.batch_alter_table('asset', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_asset_project_id'))
        batch_op.drop_index(batch_op.f('ix_asset_handed_over_on'))

    op.drop_table('asset')
