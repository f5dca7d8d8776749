"""The import pages: upload checked by content, mapping, preview with every problem, confirm, and who may use them."""
from __future__ import annotations

import hashlib
import re
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from audit.models import AuditEvent
from extensions import db
from projects.models import Project
from tests.spreadsheet_builders import (
    MILESTONE_HEADERS,
    PROJECT_HEADERS,
    csv_bytes,
    make_county,
    project_line,
    xlsx_bytes,
)

EN = {"Accept-Language": "en"}


def upload(client, data: bytes, name: str):
    """Post a file to the upload form (as a browser without JavaScript does)."""
    return client.post("/projects/import", data={"file": (BytesIO(data), name)},
                       content_type="multipart/form-data", headers=EN)


def token_of(response, step: str = "(mapping|preview)") -> str:
    """The upload token in the redirect after an upload (to the mapping page or straight to the preview)."""
    match = re.search(rf"/projects/import/([0-9a-f]{{32}})/{step}$", response.headers["Location"])
    assert match, response.headers.get("Location")
    return match.group(1)


@pytest.fixture(autouse=True)
def upload_folder(app, tmp_path) -> Path:
    """Uploads of this test wait in its own folder."""
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


@pytest.fixture
def planner(app, auth):
    """A signed-in planner, in a county with areas."""
    make_county()
    db.session.commit()
    auth.as_role("planner")


@pytest.mark.usefixtures("gates_lifted")
def test_upload_preview_confirm(app, client, planner, upload_folder):
    """CSV content under an .xlsx name is read as CSV; the preview counts rows; confirming imports them."""
    data = csv_bytes([PROJECT_HEADERS, project_line("V1"), project_line("V2", status="在建", reason="已批复")], "gb18030")
    response = upload(client, data, "projects.xlsx")
    assert response.status_code == 302
    token = token_of(response, "preview")  # every header is the template's: no mapping needed
    uploads = list(upload_folder.iterdir())
    assert sorted(path.name for path in uploads) == sorted([token, f"{token}.json"])
    mapping = client.get(f"/projects/import/{token}/mapping", headers=EN)
    assert mapping.status_code == 200
    budget_select = re.search(r'<select id="s0c7" name="s0c7">.*?</select>', mapping.data.decode()).group(0)
    assert '<option selected value="projects:budget">' in budget_select
    preview = client.get(f"/projects/import/{token}/preview", headers=EN)
    assert b"Import now" in preview.data and b"V2" in preview.data
    assert db.session.scalar(select(func.count(Project.id))) == 0
    done = client.post(f"/projects/import/{token}/confirm", headers=EN, follow_redirects=True)
    assert b"Imported 2 new, 0 changed, 0 unchanged projects." in done.data
    assert db.session.scalar(select(func.count(Project.id))) == 2
    assert not (upload_folder / token).exists()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "project.import"))
    assert event.username == "planner-user" and event.after["file"] == "projects.xlsx"


@pytest.mark.parametrize("data, message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"neither an .xlsx spreadsheet nor CSV text"),
    (b"PK\x03\x04garbage", b"cannot be opened"),
    (b"", b"The file is empty"),
    (b"hello", b"This file holds no table"),
    (b"hello\nworld\n", b"This file holds no table"),
    ("项目编号,项目名称\r\n".encode("gb18030"), b"a header row and nothing below it"),
])
def test_unreadable_upload_is_refused_with_a_reason(app, client, planner, upload_folder, data, message):
    """Garbage, a note saved as text ("hello") or a header with nothing below, whatever its name, is refused
    on the upload page with a clear message, never sent on to a mapping page of 0 rows; nothing is kept."""
    response = upload(client, data, "projects.xlsx")
    assert response.status_code == 200 and message in response.data
    assert not upload_folder.exists() or list(upload_folder.iterdir()) == []


def test_mapping_step_sets_unrecognised_columns(app, client, planner):
    """Headers the import does not know are mapped by hand, including a column in 万元."""
    rows = [["编", "名", "类", "乡", "钱"], ["M1", "村道硬化", "道路", "泷泊镇", "12.5"]]
    token = token_of(upload(client, csv_bytes(rows), "odd.csv"), "mapping")
    choices = {"s0c0": "projects:code", "s0c1": "projects:name", "s0c2": "projects:category",
               "s0c3": "projects:township", "s0c4": "projects:budget_wan"}
    response = client.post(f"/projects/import/{token}/mapping", data=choices, headers=EN)
    assert response.headers["Location"].endswith(f"/projects/import/{token}/preview")
    client.post(f"/projects/import/{token}/confirm", headers=EN)
    assert db.session.scalar(select(Project.budget_fen).where(Project.code == "M1")) == 12_500_000


def test_the_file_is_parsed_once_at_upload(app, client, planner, upload_folder, monkeypatch):
    """Mapping (shown and posted), preview and confirm read the table kept at upload; the file is
    never parsed again, and its bytes are not kept, only their SHA-256 for the import record."""
    from projects.imports import pipeline as importing

    parses = []
    real = importing.read_table
    monkeypatch.setattr(importing, "read_table", lambda *args, **kwargs: parses.append(1) or real(*args, **kwargs))
    data = csv_bytes([["编", "名", "类", "乡", "钱"], ["M1", "村道硬化", "道路", "泷泊镇", "12.5"]])
    token = token_of(upload(client, data, "odd.csv"), "mapping")
    assert (upload_folder / token).read_bytes()[:2] == b"\x1f\x8b" and data not in (upload_folder / token).read_bytes()
    assert client.get(f"/projects/import/{token}/mapping", headers=EN).status_code == 200
    choices = {"s0c0": "projects:code", "s0c1": "projects:name", "s0c2": "projects:category",
               "s0c3": "projects:township", "s0c4": "projects:budget_wan"}
    client.post(f"/projects/import/{token}/mapping", data=choices, headers=EN)
    assert b"M1" in client.get(f"/projects/import/{token}/preview", headers=EN).data
    assert client.post(f"/projects/import/{token}/confirm", headers=EN).status_code == 302
    assert parses == [1]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "project.import"))
    assert event.after["sha256"] == hashlib.sha256(data).hexdigest()


def test_mixed_kinds_in_one_sheet_are_refused(app, client, planner):
    """A sheet mapped half to projects and half to milestones is sent back with a message."""
    token = token_of(upload(client, csv_bytes([PROJECT_HEADERS, project_line("X1")]), "x.csv"))
    response = client.post(f"/projects/import/{token}/mapping", headers=EN,
                           data={"s0c0": "projects:code", "s0c1": "milestones:sequence"})
    assert response.status_code == 200 and b"not both" in response.data


def test_preview_lists_every_problem_and_confirm_stores_nothing(app, client, planner):
    """The preview shows row, column and message for each problem, without a confirm button."""
    rows = [PROJECT_HEADERS, project_line("P1"), project_line("P2", budget="abc"), project_line("P3", township="火星镇")]
    token = token_of(upload(client, csv_bytes(rows), "bad.csv"))
    first = client.get(f"/projects/import/{token}/preview", headers=EN)  # 火星镇 is offered for mapping first
    assert first.status_code == 302 and first.headers["Location"].endswith("/values")
    assert client.get(f"/projects/import/{token}/values", headers=EN).status_code == 200
    preview = client.get(f"/projects/import/{token}/preview", headers=EN)
    text = preview.data.decode()
    assert "Problems found: 2." in text and "Import now" not in text
    assert re.search(r"<td class=\"num\">3</td><td>总投资（元）</td><td>Not an amount", text)
    assert re.search(r"<td class=\"num\">4</td><td>乡镇</td><td>Unknown area: 火星镇.", text)
    response = client.post(f"/projects/import/{token}/confirm", headers=EN)
    assert response.status_code == 302 and response.headers["Location"].endswith("/preview")
    assert db.session.scalar(select(func.count(Project.id))) == 0


@pytest.mark.usefixtures("gates_lifted")
def test_workbook_preview_in_both_languages(app, client, planner):
    """A workbook with projects and milestones previews in Chinese and English, naming each problem's sheet."""
    data = xlsx_bytes(("项目", [PROJECT_HEADERS, project_line("W1", status="在建", reason="已批复")]),
                      ("里程碑", [MILESTONE_HEADERS, ["W1", 1, "路基", "2026-06-30", 100, 10, ""],
                                  ["W1", 2, "路面", "someday", 100, 0, ""]]))
    token = token_of(upload(client, data, "w.xlsx"))
    for language in ("zh-CN", "en"):
        page = client.get(f"/projects/import/{token}/preview", headers={"Accept-Language": language})
        assert page.status_code == 200 and "路基".encode() in page.data
        assert re.search(r"<td>里程碑</td><td class=\"num\">3</td><td>计划完成日期</td>", page.data.decode())


def test_a_second_confirm_of_the_same_upload_stores_nothing(app, client, planner, upload_folder):
    """Confirming the same upload twice (a double click racing) imports once; the second is refused whole."""
    token = token_of(upload(client, csv_bytes([PROJECT_HEADERS, project_line("D1")]), "d.csv"))
    kept = {path.name: path.read_bytes() for path in upload_folder.iterdir()}
    assert client.post(f"/projects/import/{token}/confirm").status_code == 302
    events = db.session.scalar(select(func.count(AuditEvent.id)))
    for name, content in kept.items():  # as if the second request had read the upload before the first ended
        (upload_folder / name).write_bytes(content)
    response = client.post(f"/projects/import/{token}/confirm", headers=EN, follow_redirects=True)
    assert b"Nothing was imported: the same rows were stored meanwhile" in response.data
    assert db.session.scalar(select(func.count(Project.id))) == 1
    assert db.session.scalar(select(func.count(AuditEvent.id))) == events


def test_someone_elses_or_unknown_upload_starts_again(app, client, auth, planner):
    """A token that is not the user's own leads back to the upload page, never to the file."""
    token = token_of(upload(client, csv_bytes([PROJECT_HEADERS, project_line("O1")]), "o.csv"))
    auth.logout()
    auth.as_role("admin")
    for url in (f"/projects/import/{token}/preview", "/projects/import/../../secret_key/preview"):
        response = client.get(url, headers=EN)
        assert response.status_code in (302, 404)
    response = client.post(f"/projects/import/{token}/confirm", headers=EN)
    assert response.headers["Location"].endswith("/projects/import")
    assert db.session.scalar(select(func.count(Project.id))) == 0


def test_template_download(app, client, planner):
    """The template is an .xlsx with projects, milestones, performance targets, contracts and instructions sheets."""
    response = client.get("/projects/import/template.xlsx")
    assert response.status_code == 200 and response.data.startswith(b"PK\x03\x04")
    workbook = load_workbook(BytesIO(response.data))
    assert workbook.sheetnames == ["项目", "节点", "绩效指标", "合同", "填写说明"]
    assert [cell.value for cell in workbook["项目"][1]][:len(PROJECT_HEADERS)] == PROJECT_HEADERS
    assert workbook["项目"]["A1"].comment.text.startswith("必填")


def test_pages_work_without_javascript_and_offer_progress_with_it(app, client, planner):
    """The upload form is a plain multipart form; its progress script is local, not external."""
    page = client.get("/projects/import", headers=EN).data.decode()
    assert 'enctype="multipart/form-data"' in page and "data-upload-progress" in page
    assert re.search(r'<script src="/static/import.js', page) and "http" not in re.findall(r'<script[^>]*>', page)[0]
    assert client.get("/static/import.js").status_code == 200


@pytest.mark.parametrize("role", ["leader", "finance", "auditor"])
def test_readers_cannot_import(app, client, auth, role):
    """Leaders, finance staff and auditors get 403 on every import page."""
    auth.as_role(role)
    for method, url in (("GET", "/projects/import"), ("GET", "/projects/import/template.xlsx"),
                        ("POST", "/projects/import"), ("POST", f"/projects/import/{'0' * 32}/confirm")):
        assert client.open(url, method=method).status_code == 403, url


def test_upload_needs_the_csrf_token(app, client, planner):
    """With CSRF protection on (as in production), an upload without the token is refused."""
    app.config["WTF_CSRF_ENABLED"] = True
    response = upload(client, csv_bytes([PROJECT_HEADERS, project_line("Z1")]), "z.csv")
    assert response.status_code == 400
