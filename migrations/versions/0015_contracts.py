"""contracts, the milestones they cover and their variations; free-text contractors carried over

Revision ID: 0015
Revises: 0014
Create Date: 2027-01-10 11:00:00

contract keeps its current value in step with its variations (value_fen = original + Σ deltas) and
what was paid under it (paid_fen), with CHECKs: paid never above the value, nor into the retention
before it is released. contract_milestone's composite foreign key refuses a milestone of another
project. Each distinct free-text `project.contractor` becomes a contractor whose credit code is to
be completed (the project keeps its text: nothing is lost); no contract is invented, as neither its
number nor its value is known.
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

MAX_FEN = 10**13
SUBJECTS = ('works', 'goods', 'services', 'design', 'supervision')
METHODS = ('public_tender', 'invitation', 'competitive_negotiation', 'competitive_consultation', 'single_source',
           'small_direct', 'work_for_relief_village')
WITHIN_RETENTION = "retention_released OR paid_fen * 10000 <= value_fen * (10000 - retention_bp)"


def _one_of(column, codes):
    return f"{column} IN (" + ",".join(f"'{code}'" for code in codes) + ")"


def upgrade():
    op.create_table(
        'contract',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contract_no', sa.String(length=64), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('contractor_id', sa.Integer(), nullable=False),
        sa.Column('subject', sa.String(length=16), nullable=False),
        sa.Column('method', sa.String(length=32), nullable=False),
        sa.Column('signed_on', sa.Date(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=True),
        sa.Column('ends_on', sa.Date(), nullable=True),
        sa.Column('original_value_fen', sa.BigInteger(), nullable=False),
        sa.Column('value_fen', sa.BigInteger(), nullable=False),
        sa.Column('paid_fen', sa.BigInteger(), nullable=False),
        sa.Column('retention_bp', sa.Integer(), nullable=False),
        sa.Column('defects_liability_months', sa.Integer(), nullable=False),
        sa.Column('retention_released', sa.Boolean(), nullable=False),
        sa.Column('variation_count', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('length(contract_no) > 0', name=op.f('ck_contract_number_present')),
        sa.CheckConstraint(_one_of('subject', SUBJECTS), name=op.f('ck_contract_subject_known')),
        sa.CheckConstraint(_one_of('method', METHODS), name=op.f('ck_contract_method_known')),
        sa.CheckConstraint(f'original_value_fen > 0 AND original_value_fen <= {MAX_FEN}',
                           name=op.f('ck_contract_original_value_in_range')),
        sa.CheckConstraint(f'value_fen > 0 AND value_fen <= {MAX_FEN}', name=op.f('ck_contract_value_in_range')),
        sa.CheckConstraint('paid_fen >= 0 AND paid_fen <= value_fen', name=op.f('ck_contract_paid_within_value')),
        sa.CheckConstraint(WITHIN_RETENTION, name=op.f('ck_contract_paid_within_retention')),
        sa.CheckConstraint('retention_bp BETWEEN 0 AND 10000', name=op.f('ck_contract_retention_rate_in_range')),
        sa.CheckConstraint('defects_liability_months BETWEEN 0 AND 120',
                           name=op.f('ck_contract_liability_period_in_range')),
        sa.CheckConstraint('ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on',
                           name=op.f('ck_contract_period_in_order')),
        sa.CheckConstraint('variation_count >= 0', name=op.f('ck_contract_variation_count_not_negative')),
        sa.ForeignKeyConstraint(['contractor_id'], ['contractor.id'], name=op.f('fk_contract_contractor_id_contractor')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_contract_created_by_id_user')),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_contract_project_id_project')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contract')),
        sa.UniqueConstraint('contract_no', name=op.f('uq_contract_contract_no')),
    )
    op.create_index(op.f('ix_contract_project_id'), 'contract', ['project_id'], unique=False)
    op.create_index(op.f('ix_contract_contractor_id'), 'contract', ['contractor_id'], unique=False)
    op.create_table(
        'contract_milestone',
        sa.Column('contract_id', sa.Integer(), nullable=False),
        sa.Column('milestone_id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_contract_milestone_contract_id_contract')),
        sa.ForeignKeyConstraint(['milestone_id', 'project_id'], ['milestone.id', 'milestone.project_id'],
                                name='fk_contract_milestone_milestone_project'),
        sa.PrimaryKeyConstraint('contract_id', 'milestone_id', name=op.f('pk_contract_milestone')),
    )
    op.create_table(
        'contract_variation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contract_id', sa.Integer(), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('delta_fen', sa.BigInteger(), nullable=False),
        sa.Column('value_before_fen', sa.BigInteger(), nullable=False),
        sa.Column('value_after_fen', sa.BigInteger(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('varied_on', sa.Date(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('delta_fen <> 0', name=op.f('ck_contract_variation_delta_not_zero')),
        sa.CheckConstraint('value_after_fen = value_before_fen + delta_fen',
                           name=op.f('ck_contract_variation_values_add_up')),
        sa.CheckConstraint(f'value_after_fen > 0 AND value_after_fen <= {MAX_FEN}',
                           name=op.f('ck_contract_variation_value_after_in_range')),
        sa.CheckConstraint('length(reason) > 0', name=op.f('ck_contract_variation_reason_present')),
        sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_contract_variation_contract_id_contract')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_contract_variation_created_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_variation')),
        sa.UniqueConstraint('contract_id', 'sequence', name=op.f('uq_contract_variation_contract_id_sequence')),
    )
    op.create_index(op.f('ix_contract_variation_contract_id'), 'contract_variation', ['contract_id'], unique=False)
    _carry_over_contractors()


def _carry_over_contractors():
    """A contractor (credit code to be completed) for each distinct free-text project.contractor."""
    conn = op.get_bind()
    names = conn.execute(sa.text("SELECT DISTINCT TRIM(contractor) FROM project WHERE contractor IS NOT NULL "
                                 "AND TRIM(contractor) <> ''")).scalars().all()
    existing = set(conn.execute(sa.text("SELECT name FROM contractor")).scalars().all())
    for name in sorted(set(names) - existing):
        conn.execute(sa.text("INSERT INTO contractor (name, created_at, version) VALUES (:name, CURRENT_TIMESTAMP, 1)"),
                     {"name": name[:200]})


def downgrade():
    op.drop_index(op.f('ix_contract_variation_contract_id'), table_name='contract_variation')
    op.drop_table('contract_variation')
    op.drop_table('contract_milestone')
    op.drop_index(op.f('ix_contract_contractor_id'), table_name='contract')
    op.drop_index(op.f('ix_contract_project_id'), table_name='contract')
    op.drop_table('contract')
