"""Each step of a checklist item and of a rectification, each field, read from the step's schema
(tests/step_schemas.py): what the schema refuses is refused over HTTP, in Chinese, nothing changed."""
from datetime import timedelta

from portal.plugin_api import database, now

from plugins.accountability import inspection, workflow
from plugins.accountability.models import Rectification
from plugins.accountability.tests.helpers import dept, item_of, user
from tests.step_schemas import check_steps


def clients(login, *names):
    return {name: (user(name), login(name)) for name in names}


def test_every_field_of_every_step_refuses_what_its_schema_refuses(app, login):
    users = clients(login, "head", "office")
    item = item_of(now().year, "电力科", "加强网络阵地建设")
    tried = check_steps(app, workflow.WORKFLOW, item, users, lambda client, name, data: client.post(
        f"/accountability/items/{item.id}/do/{name}", data=data, content_type="multipart/form-data"))

    office = users["office"][1]
    office.post(f"/accountability/inspections/{now().year}/{dept('电力科')}/{item.id}", data={
        "score": "6", "text": "台账不全。", "task": "补齐台账。", "owner": str(user("head").id),
        "due_at": (now() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")})
    with database.connection_context():
        rect = Rectification.get(Rectification.task == "补齐台账。")
    post = lambda client, name, data: client.post(  # noqa: E731
        f"/accountability/rectifications/{rect.id}/do/{name}", data=data, content_type="multipart/form-data")
    tried += check_steps(app, inspection.WORKFLOW, rect, users, post)
    with database.connection_context():
        Rectification.update(state="reported").where(Rectification.id == rect.id).execute()
        rect = Rectification.get_by_id(rect.id)
    tried += check_steps(app, inspection.WORKFLOW, rect, users, post)
    assert tried >= 6
