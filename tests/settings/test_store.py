"""Administrators' settings: the default until set, the stored value after, each change
audited."""

from sqlalchemy import select

from app.audit.models import AuditRecord
from app.settings import store
from tests.factories import make_user


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
