"""initial schema

Revision ID: 0001
Revises:
"""

from alembic import op
import sqlalchemy as sa
import kiosk.store.models


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    chain_head = op.create_table('chain_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('last_event_id', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chain_head'))
    )
    # The one head row exists from the start, so appends only ever lock it.
    op.bulk_insert(chain_head, [{'id': 1, 'last_event_id': 0, 'last_hash': '0' * 64}])
    op.create_table('component_status',
    sa.Column('kiosk_id', sa.String(length=64), nullable=False),
    sa.Column('component', sa.String(length=20), nullable=False),
    sa.Column('school', sa.String(length=16), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('detail', sa.String(length=200), nullable=False),
    sa.Column('updated_at', kiosk.store.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('kiosk_id', 'component', name=op.f('pk_component_status'))
    )
    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', kiosk.store.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('school', sa.String(length=16), nullable=False),
    sa.Column('kiosk_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.String(length=64), nullable=True),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('visit_digest', sa.String(length=64), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_school_at', ['school', 'at'], unique=False)

    op.create_table('organizations',
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('on_roster', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('org_id', name=op.f('pk_organizations'))
    )
    op.create_table('roster_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', kiosk.store.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('source_format', sa.String(length=20), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('organizations', sa.Integer(), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_imports'))
    )
    op.create_table('staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('school', sa.String(length=16), nullable=False),
    sa.Column('pin_hash', sa.String(length=200), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('locked_until', kiosk.store.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff')),
    sa.UniqueConstraint('username', name=op.f('uq_staff_username'))
    )
    op.create_table('agreements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('agreement_type', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('schools', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.org_id'], name=op.f('fk_agreements_org_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreements')),
    sa.UniqueConstraint('org_id', name=op.f('uq_agreements_org_id'))
    )
    op.create_table('people',
    sa.Column('person_id', sa.String(length=64), nullable=False),
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('first_name', sa.String(length=200), nullable=False),
    sa.Column('middle_name', sa.String(length=200), nullable=False),
    sa.Column('last_name', sa.String(length=200), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('badge_code', sa.String(length=200), nullable=False),
    sa.Column('badge_key', sa.String(length=200), nullable=False),
    sa.Column('id_jurisdiction', sa.String(length=8), nullable=False),
    sa.Column('id_number_last4', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('on_roster', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.org_id'], name=op.f('fk_people_org_id_organizations')),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_people'))
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_badge_key'), ['badge_key'], unique=False)

    op.create_table('background_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.String(length=64), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.person_id'], name=op.f('fk_background_checks_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_background_checks')),
    sa.UniqueConstraint('person_id', name=op.f('uq_background_checks_person_id'))
    )
    op.create_table('offense_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.person_id'], name=op.f('fk_offense_reports_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offense_reports')),
    sa.UniqueConstraint('person_id', name=op.f('uq_offense_reports_person_id'))
    )
    op.create_table('visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school', sa.String(length=16), nullable=False),
    sa.Column('kiosk_id', sa.String(length=64), nullable=False),
    sa.Column('person_id', sa.String(length=64), nullable=True),
    sa.Column('org_id', sa.String(length=64), nullable=True),
    sa.Column('credential', sa.String(length=20), nullable=False),
    sa.Column('admitted', sa.Boolean(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('notices', sa.JSON(), nullable=False),
    sa.Column('confidential_reasons', sa.JSON(), nullable=False),
    sa.Column('scanned_at', kiosk.store.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('signed_in_at', kiosk.store.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('signed_out_at', kiosk.store.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sign_out_method', sa.String(length=20), nullable=True),
    sa.Column('badge_status', sa.String(length=20), nullable=False),
    sa.Column('badge_path', sa.Text(), nullable=True),
    sa.Column('photo_path', sa.Text(), nullable=True),
    sa.Column('destination', sa.String(length=100), nullable=True),
    sa.Column('visitor_name', sa.String(length=200), nullable=True),
    sa.Column('visitor_purpose', sa.String(length=200), nullable=True),
    sa.Column('alert_status', sa.String(length=20), nullable=False),
    sa.Column('alert_handled_by', sa.Integer(), nullable=True),
    sa.Column('alert_handled_at', kiosk.store.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('override_by', sa.Integer(), nullable=True),
    sa.Column('override_reason', sa.Text(), nullable=True),
    sa.Column('overridden_at', kiosk.store.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('signed_out_by', sa.Integer(), nullable=True),
    sa.Column('sign_out_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['alert_handled_by'], ['staff.id'], name=op.f('fk_visits_alert_handled_by_staff')),
    sa.ForeignKeyConstraint(['override_by'], ['staff.id'], name=op.f('fk_visits_override_by_staff')),
    sa.ForeignKeyConstraint(['person_id'], ['people.person_id'], name=op.f('fk_visits_person_id_people')),
    sa.ForeignKeyConstraint(['signed_out_by'], ['staff.id'], name=op.f('fk_visits_signed_out_by_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visits'))
    )
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index('ix_visits_alert', ['school', 'alert_status'], unique=False)
        batch_op.create_index('ix_visits_person_open', ['person_id', 'signed_out_at'], unique=False)
        batch_op.create_index('ix_visits_school_scanned', ['school', 'scanned_at'], unique=False)



def downgrade() -> None:
    op.drop_table('component_status')
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index('ix_visits_school_scanned')
        batch_op.drop_index('ix_visits_person_open')
        batch_op.drop_index('ix_visits_alert')

    op.drop_table('visits')
    op.drop_table('offense_reports')
    op.drop_table('background_checks')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_badge_key'))

    op.drop_table('people')
    op.drop_table('agreements')
    op.drop_table('staff')
    op.drop_table('roster_imports')
    op.drop_table('organizations')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_school_at')

    op.drop_table('events')
    op.drop_table('chain_head')
