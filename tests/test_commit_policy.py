"""One commit policy for every write: a row changed under a save is looked at again, and a clash
that persists is explained, never a 500; a refusal lands on the form's field."""
from __future__ import annotations

from sqlalchemy.orm.exc import StaleDataError

from core.errors import Refused, show_refusal
from core.saving import save
from extensions import db
from projects import services
from projects.models import Project
from tests import factories
from tests.test_project_views import EN, _form


def test_a_project_edit_that_meets_a_concurrent_change_is_retried_not_a_500(client, auth, monkeypatch):
    """The project's row changes between the edit's read and its write (the ORM's version check
    fails): the save is run again on the fresh row and stored; nothing answers 500."""
    area = factories.make_area()
    project = factories.make_project(area, code="SP-W-009", status="proposed")
    db.session.commit()
    real, calls = services.update_project, []

    def changed_underneath(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise StaleDataError("UPDATE statement on table 'project' expected to update 1 row(s); 0 were matched.")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "update_project", changed_underneath)
    auth.as_role("planner")
    response = client.post(f"/projects/{project.id}/edit", headers=EN,
                           data={**_form(area, code="SP-W-009", version=str(project.version)), "name": "重试后保存"})
    assert response.status_code == 302 and len(calls) == 2
    assert db.session.get(Project, project.id).name == "重试后保存"


def test_a_clash_that_persists_is_explained(client, auth, monkeypatch):
    """When the row keeps changing under every attempt, the editor is told someone else changed it."""
    area = factories.make_area()
    project = factories.make_project(area, code="SP-W-010", status="proposed")
    db.session.commit()

    def always_changed(*args, **kwargs):
        raise StaleDataError("0 were matched")

    monkeypatch.setattr(services, "update_project", always_changed)
    auth.as_role("planner")
    page = client.post(f"/projects/{project.id}/edit", headers=EN,
                       data={**_form(area, code="SP-W-010", version=str(project.version)), "name": "不会保存"})
    assert page.status_code == 200 and "Someone changed the same records at the same moment" in page.data.decode()
    assert db.session.get(Project, project.id).name != "不会保存"


def test_a_refusal_goes_on_its_field_or_is_flashed(app):
    """show_refusal puts each message on the form's field of that name (renamed where asked) and
    flashes what the form has no field for; save() returns not ok and stores nothing."""
    from flask_wtf import FlaskForm
    from wtforms import StringField

    class Form(FlaskForm):
        code = StringField()
        new_password = StringField()

    with app.test_request_context(method="POST"):
        form = Form(meta={"csrf": False})
        show_refusal(form, Refused({"code": "taken", "password": "too short", "budget": "negative"}),
                     fields={"password": "new_password"})
        from flask import get_flashed_messages
        assert form.code.errors == ["taken"] and form.new_password.errors == ["too short"]
        assert get_flashed_messages() == ["negative"]

        def refused():
            factories.make_area(code="NEVER")
            raise Refused("code", "no")

        assert not save(refused, form).ok
    from projects.models import Area
    assert db.session.query(Area).filter_by(code="NEVER").count() == 0
