"""project positions: WGS84 longitude and latitude, both or neither, for the map

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 20:40:00

Existing projects have no position; planning adds them on the project form or the project sheet
(经度, 纬度). The county's bounding box is configuration (LIANDONG_COUNTY_BBOX), checked by the
services; the database holds both-or-neither and the globe's ranges.
"""
from alembic import op
import sqlalchemy as sa


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.add_column(sa.Column('longitude', sa.Numeric(precision=9, scale=6), nullable=True))
        batch_op.add_column(sa.Column('latitude', sa.Numeric(precision=9, scale=6), nullable=True))
        batch_op.create_check_constraint(op.f('ck_project_position_both_or_neither'),
                                         '(longitude IS NULL) = (latitude IS NULL)')
        batch_op.create_check_constraint(
            op.f('ck_project_position_on_the_globe'),
            'longitude IS NULL OR (longitude BETWEEN -180 AND 180 AND latitude BETWEEN -90 AND 90)')


def downgrade():
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_project_position_on_the_globe'), type_='check')
        batch_op.drop_constraint(op.f('ck_project_position_both_or_neither'), type_='check')
        batch_op.drop_column('latitude')
        batch_op.drop_column('longitude')
