"""Administrators' settings: the default until set, the stored value after, each change
audited."""

from sqlalchemy import select

from app.audit.models import AuditRecord
from app.extensions import db
from app.settings import store
from tests.factories import make_user
from tests.sql import counted_statements


def test_a_setting_never_set_reads_as_its_default(app):
    assert store.read("escalation.days", [1, 3, 7]) == [1, 3, 7]


def test_a_written_setting_reads_back_and_is_audited(app):
    admin = make_user(role="admin")
    assert store.write("escalation.days", [2, 4, 8], admin) is True
    assert store.read("escalation.days", [1, 3, 7]) == [2, 4, 8]
    [entry] = app.extensions["sqlalchemy"].session.scalars(
        select(AuditRecord).where(AuditRecord.action == "setting.change"))
    assert entry.actor_id == admin.id
    assert entry.details == {"key": "escalation.days", "from": None, "to": [2, 4, 8]}


def test_writing_the_same_value_again_changes_nothing(app):
    admin = make_user(role="admin")
    store.write("recurrence.window_days", 90, admin)
    assert store.write("recurrence.window_days", 90, admin) is False
    assert len(app.extensions["sqlalchemy"].session.scalars(
        select(AuditRecord).where(AuditRecord.action == "setting.change")).all()) == 1



def test_a_setting_is_read_from_the_database_once_per_request(app):
    with counted_statements() as statements:
        for _ in range(50):
            store.read("escalation.days", [1, 3, 7])
    assert len(statements) == 1


def test_a_written_value_is_read_back_and_forgotten_when_rolled_back(app):
    admin = make_user(role="admin")
    db.session.commit()
    assert store.read("recurrence.window_days", 90) == 90
    store.write("recurrence.window_days", 30, admin)
    assert store.read("recurrence.window_days", 90) == 30
    db.session.rollback()
    assert store.read("recurrence.window_days", 90) == 90
