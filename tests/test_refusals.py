"""One rule on refusal: what a refused page request flushed is rolled back before the answer."""

import pytest

from app.auth.models import User
from app.common.errors import DomainError
from app.extensions import db
from tests.factories import make_template


def _flush_then_refuse(user_id, field=None):
    """A stand-in service that changes a record, flushes, and only then refuses."""

    def service(*args, **kwargs):
        db.session.get(User, user_id).full_name = "half done"
        db.session.flush()
        raise DomainError("Refused.", field)

    return service


def _full_name(user_id):
    db.session.expire_all()
    return db.session.get(User, user_id).full_name


def test_a_refused_api_token_leaves_nothing_flushed(client, login, monkeypatch):
    user = login("inspector", full_name="王芳")
    monkeypatch.setattr("app.auth.tokens.create_api_token", _flush_then_refuse(user.id, "name"))
    response = client.post("/account/tokens", data={"name": "printer"})
    assert response.status_code == 400
    assert _full_name(user.id) == "王芳"


@pytest.mark.parametrize("action", ["remove", "move"])
def test_a_refused_checklist_item_change_leaves_nothing_flushed(client, login, monkeypatch,
                                                                 action):
    admin = login("admin", full_name="李明")
    template = make_template(items=2)
    db.session.commit()
    service = "remove_item" if action == "remove" else "move_item"
    monkeypatch.setattr(f"app.checklists.services.{service}", _flush_then_refuse(admin.id))
    response = client.post(f"/checklists/{template.id}/items/1/{action}",
                           data={"direction": "down"})
    assert response.status_code == 302
    assert _full_name(admin.id) == "李明"


def test_a_refusal_shown_beside_a_field_leaves_nothing_flushed(client, login, monkeypatch):
    admin = login("admin", full_name="李明")
    monkeypatch.setattr("app.auth.services.save_department",
                        _flush_then_refuse(admin.id, "code"))
    response = client.post("/admin/departments/new",
                           data={"code": "ZWK", "name_zh": "总务科", "name_en": "General"})
    assert response.status_code == 400 and 'id="code-err"' in response.text
    assert _full_name(admin.id) == "李明"
