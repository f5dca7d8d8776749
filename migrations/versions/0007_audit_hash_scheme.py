"""audit events say how their hash was computed: 1 unkeyed SHA-256 (older rows), 2 keyed HMAC

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 10:00:00

The chain becomes keyed and covers every column (audit/chain.py). Existing events cannot be
re-hashed (the table is append-only), so they keep their hashes and are marked scheme 1 by the
server default; the application writes 2. A plain ADD COLUMN, not a batch rebuild: rebuilding
audit_event on SQLite would drop its append-only triggers.
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('audit_event', sa.Column('scheme', sa.SmallInteger(), server_default=sa.text('1'), nullable=False))


def downgrade():
    # Events written since are keyed: the code of 0006 cannot verify them (its `audit verify` fails).
    op.drop_column('audit_event', 'scheme')
