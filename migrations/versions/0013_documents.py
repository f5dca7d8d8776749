"""documents attached to any registered kind of record

Revision ID: 0013
Revises: 0012
Create Date: 2027-01-10 09:00:00

document keeps each attached file's facts (the file itself is in the document store, by SHA-256):
the record it is attached to (owner_kind, owner_id: documents.owners), its type, title, date and name,
who attached it, a photo's EXIF time and position, and, once withdrawn, who withdrew it, when and why (never deleted).
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

WITHDRAWN_TOGETHER = ("(withdrawn_at IS NULL AND withdrawn_by_id IS NULL AND withdrawal_reason IS NULL) OR "
                      "(withdrawn_at IS NOT NULL AND length(withdrawal_reason) > 0)")
POSITION = ("(latitude_e6 IS NULL AND longitude_e6 IS NULL) OR (latitude_e6 BETWEEN -90000000 AND 90000000 "
            "AND longitude_e6 BETWEEN -180000000 AND 180000000)")


def upgrade():
    op.create_table(
        'document',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner_kind', sa.String(length=32), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('document_type', sa.String(length=40), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('document_date', sa.Date(), nullable=True),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('media_type', sa.String(length=100), nullable=False),
        sa.Column('size_bytes', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('uploaded_at', sa.DateTime(), nullable=False),
        sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
        sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
        sa.Column('withdrawal_reason', sa.String(length=1000), nullable=True),
        sa.Column('photo_taken_at', sa.DateTime(), nullable=True),
        sa.Column('latitude_e6', sa.Integer(), nullable=True),
        sa.Column('longitude_e6', sa.Integer(), nullable=True),
        sa.CheckConstraint('size_bytes > 0', name=op.f('ck_document_size_positive')),
        sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_document_sha256_hex')),
        sa.CheckConstraint('length(title) > 0 AND length(filename) > 0 AND length(owner_kind) > 0',
                           name=op.f('ck_document_parts_present')),
        sa.CheckConstraint(WITHDRAWN_TOGETHER, name=op.f('ck_document_withdrawn_with_reason')),
        sa.CheckConstraint(POSITION, name=op.f('ck_document_position_in_range')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_document_uploaded_by_id_user')),
        sa.ForeignKeyConstraint(['withdrawn_by_id'], ['user.id'], name=op.f('fk_document_withdrawn_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_document')),
    )
    op.create_index('ix_document_owner', 'document', ['owner_kind', 'owner_id'], unique=False)


def downgrade():
    op.drop_index('ix_document_owner', table_name='document')
    op.drop_table('document')
