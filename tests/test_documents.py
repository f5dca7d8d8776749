"""Documents: read by content, capped, stored by SHA-256, downloaded by who may read the record,
withdrawn with a reason (never deleted), attached from the project page and the command line."""
from __future__ import annotations

import io
import os
import zipfile
from datetime import date

import pytest
from sqlalchemy import select

from audit.models import AuditEvent
from core.errors import Refused
from documents import services, store
from documents.models import Document
from documents.sniffing import DOCX, JPEG, PDF, PNG, WEBP, XLSX, clean_name, sniff
from extensions import db
from tests import factories

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
WEBP_BYTES = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 24
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 64
HTML_BYTES = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def office(parts: tuple[str, ...]) -> bytes:
    """A ZIP holding the named parts (what an .xlsx or .docx is made of)."""
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        for name in ("[Content_Types].xml", *parts):
            archive.writestr(name, "<x/>")
    return stream.getvalue()


@pytest.mark.parametrize(("data", "name", "kind"), [
    (PDF_BYTES, "批复.pdf", PDF), (JPEG_BYTES, "IMG_0001.JPG", JPEG), (PNG_BYTES, "a.png", PNG),
    (WEBP_BYTES, "a.webp", WEBP), (office(("xl/workbook.xml",)), "清单.xlsx", XLSX),
    (office(("word/document.xml",)), "合同.docx", DOCX), (PDF_BYTES, "no-extension", PDF)])
def test_the_six_kinds_are_read_by_content(data, name, kind):
    """PDF, JPEG, PNG, WebP, xlsx and docx are recognised from their bytes."""
    assert sniff(data, name) == kind


@pytest.mark.parametrize(("data", "name", "words"), [
    (EXE_BYTES, "invoice.pdf", "program"), (b"\x7fELF\x02\x01", "a.pdf", "program"),
    (b"#!/bin/sh\nrm -rf /", "a.pdf", "program"), (HTML_BYTES, "report.pdf", "web page"),
    (b"  <html><body>hi</body></html>", "a.docx", "web page"), (b'<?xml version="1.0"?><svg/>', "a.png", "web page"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "x.svg", "web page"),
    (b"%PDF-1.4\n<html><script>alert(1)</script></html>", "a.pdf", "web page"),
    (office(("xl/workbook.xml", "xl/vbaProject.bin")), "a.xlsx", "macros"),
    (office(("readme.txt",)), "a.zip", "archive"), (JPEG_BYTES, "photo.pdf", "content is JPEG"),
    (b"just some text", "a.pdf", "not a PDF"), (b"", "a.pdf", "empty")])
def test_anything_else_is_refused_naming_the_file(data, name, words):
    """Executables, HTML, SVG, a PDF that is really HTML, macros, archives and a wrong extension are refused."""
    with pytest.raises(Refused) as refused:
        sniff(data, name)
    assert refused.value.field == "file" and words in str(refused.value.message)


def test_a_file_over_the_cap_is_refused():
    """A document larger than the cap is refused, saying both sizes."""
    with pytest.raises(Refused) as refused:
        sniff(b"%PDF-" + b"0" * 2_000_000, "big.pdf", max_bytes=1_000_000)
    assert refused.value.field == "file" and "MB" in str(refused.value.message)


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\boot.pdf", "a/b.pdf", "C:evil.pdf", "", "a\x00.pdf"])
def test_a_name_that_says_a_path_is_refused(name):
    """A file name is text, never a path: ../, slashes, drives and control characters are refused."""
    with pytest.raises(Refused) as refused:
        clean_name(name)
    assert refused.value.field == "filename"


def test_a_chinese_name_is_kept():
    """An ordinary Chinese file name with spaces and brackets is kept as it is."""
    assert clean_name(" 竣工验收报告（第一批）.pdf ") == "竣工验收报告（第一批）.pdf"


def _project():
    project = factories.make_project()
    milestone = factories.make_milestone(project)
    db.session.commit()
    return project, milestone


def _upload(client, owner: str, data: bytes, name: str, **fields):
    form = {"owner": owner, "document_type": "x_acceptanceReport", "title": "", "document_date": "2026-03-01",
            **fields, "file": (io.BytesIO(data), name)}
    return client.post("/documents/new", data=form, content_type="multipart/form-data", follow_redirects=True,
                       headers={"Accept-Language": "en"})


def _stored_files(app) -> list[str]:
    folder = store.store_folder(app)
    return [name for _root, _dirs, names in os.walk(folder) for name in names] if folder.exists() else []


def test_planner_attaches_to_project_and_milestone_listed_on_its_page(app, client, auth):
    """A planner attaches a PDF to the project and a photo to a milestone; both are listed on the project
    page, stored once under their SHA-256 (owner-only) and audited."""
    project, milestone = _project()
    auth.as_role("planner")
    page = _upload(client, f"project:{project.id}", PDF_BYTES, "验收报告.pdf", title="竣工验收报告").data.decode()
    assert "竣工验收报告" in page
    page = _upload(client, f"milestone:{milestone.id}", JPEG_BYTES, "现场.jpg", document_type="x_sitePhoto").data.decode()
    assert "现场.jpg" in page and milestone.name in page and 'class="thumb"' in page
    documents = db.session.scalars(select(Document).order_by(Document.id)).all()
    assert [(d.owner_kind, d.media_type) for d in documents] == [("project", "application/pdf"),
                                                                 ("milestone", "image/jpeg")]
    path = store.path_of(store.store_folder(app), documents[0].sha256)
    assert path.read_bytes() == PDF_BYTES and path.stat().st_mode & 0o777 == 0o600
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "document")).all()
    assert actions == ["document.add", "document.add"]


@pytest.mark.parametrize(("data", "name", "message"), [
    (EXE_BYTES, "invoice.pdf", "program"), (HTML_BYTES, "report.pdf", "web page"),
    (PDF_BYTES, "../../etc/cron.pdf", "File name")])
def test_a_refused_upload_stores_nothing(app, client, auth, data, name, message):
    """An executable renamed .pdf, HTML named .pdf or a name with ../ is refused with its message; no row, no file."""
    project, _milestone = _project()
    auth.as_role("planner")
    page = _upload(client, f"project:{project.id}", data, name).data.decode()
    assert message in page
    assert db.session.scalars(select(Document)).all() == [] and _stored_files(app) == []


def test_a_50_mb_upload_is_refused_and_nothing_stored(app, client, auth):
    """A 50 MB upload is refused before it is read: back to the form saying how large a file may be;
    nothing is stored."""
    project, _milestone = _project()
    auth.as_role("planner")
    response = client.post("/documents/new", data={"owner": f"project:{project.id}", "document_type": "x_invoice",
                                                   "file": (io.BytesIO(b"%PDF-" + b"0" * (50 << 20)), "big.pdf")},
                           content_type="multipart/form-data", headers={"Accept-Language": "en"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"], headers={"Accept-Language": "en"}, follow_redirects=True).data.decode()
    assert "larger than the server accepts" in page and "nothing was saved" in page
    assert db.session.scalars(select(Document)).all() == [] and _stored_files(app) == []


def test_a_document_over_the_document_cap_is_refused_naming_the_file(app):
    """Under the request limit but over the document cap: refused by the service, naming the file."""
    project, _milestone = _project()
    app.config["DOCUMENT_MAX_BYTES"] = 1024
    with pytest.raises(Refused) as refused:
        services.attach("project", project.id, document_type="x_invoice", title="", document_date=None,
                        filename="a.pdf", data=PDF_BYTES + b"0" * 2048)
    assert refused.value.field == "file"


def test_unknown_type_future_date_and_missing_owner_are_refused(app):
    """The type must be on the codelist, the date not in the future, the record must exist."""
    project, _milestone = _project()
    cases = [dict(document_type="selfie"), dict(document_date=date(2999, 1, 1)), dict(owner_id=999_999),
             dict(kind_key="spaceship")]
    for case in cases:
        arguments = dict(kind_key="project", owner_id=project.id, document_type="x_invoice", document_date=None)
        arguments.update(case)
        kind_key, owner_id = arguments.pop("kind_key"), arguments.pop("owner_id")
        with pytest.raises(Refused) as refused:
            services.attach(kind_key, owner_id, title="", filename="a.pdf", data=PDF_BYTES, **arguments)
        assert refused.value.field in ("document_type", "document_date", "owner"), case


def test_download_attachment_for_non_images_inline_for_pictures(app, client, auth):
    """Any reader downloads: a PDF as an attachment, a photo shown, both under a sandboxing policy."""
    project, _milestone = _project()
    pdf = services.attach("project", project.id, document_type="x_invoice", title="发票", document_date=None,
                          filename="发票.pdf", data=PDF_BYTES)
    photo = services.attach("project", project.id, document_type="x_sitePhoto", title="现场", document_date=None,
                            filename="现场.jpg", data=JPEG_BYTES)
    db.session.commit()
    auth.as_role("leader")
    response = client.get(f"/documents/{pdf.id}/file")
    assert response.status_code == 200 and response.data == PDF_BYTES
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response.headers["Content-Security-Policy"]
    response = client.get(f"/documents/{photo.id}/file")
    assert response.headers["Content-Type"] == "image/jpeg" and "attachment" not in response.headers.get(
        "Content-Disposition", "")
    assert client.get(f"/documents/{photo.id}/file?download=1").headers["Content-Disposition"].startswith("attachment")


def test_a_changed_file_is_never_served(app, client, auth):
    """A stored file altered on disk is not served as the document (410), and verify names it."""
    project, _milestone = _project()
    document = services.attach("project", project.id, document_type="x_invoice", title="发票", document_date=None,
                               filename="发票.pdf", data=PDF_BYTES)
    db.session.commit()
    store.path_of(store.store_folder(app), document.sha256).write_bytes(PDF_BYTES + b"tampered")
    auth.as_role("auditor")
    assert client.get(f"/documents/{document.id}/file").status_code == 410


def test_finance_and_leaders_may_not_attach_to_projects(app, client, auth):
    """Project documents are planning's: finance is refused by the owner's rule, a leader by the route's."""
    project, _milestone = _project()
    for role in ("finance", "leader"):
        auth.as_role(role)
        response = client.post("/documents/new", data={"owner": f"project:{project.id}", "document_type": "x_invoice",
                                                       "file": (io.BytesIO(PDF_BYTES), "a.pdf")},
                               content_type="multipart/form-data")
        assert response.status_code == 403, role
        auth.logout()
    assert db.session.scalars(select(Document)).all() == []


def test_withdraw_needs_a_reason_keeps_the_document_and_is_audited(app, client, auth):
    """Withdrawing without a reason is refused; with one the document stays, listed as withdrawn,
    downloadable, audited; a second withdrawal is refused."""
    project, _milestone = _project()
    document = services.attach("project", project.id, document_type="x_invoice", title="发票", document_date=None,
                               filename="发票.pdf", data=PDF_BYTES)
    db.session.commit()
    auth.as_role("planner")
    page = client.post(f"/documents/{document.id}/withdraw", data={"reason": " "}, follow_redirects=True).data.decode()
    assert "Reason" in page or "原因" in page
    db.session.refresh(document)
    assert not document.withdrawn
    page = client.post(f"/documents/{document.id}/withdraw", data={"reason": "扫描件不清晰"},
                       follow_redirects=True).data.decode()
    assert "扫描件不清晰" in page
    db.session.refresh(document)
    assert document.withdrawn and document.withdrawal_reason == "扫描件不清晰"
    assert client.get(f"/documents/{document.id}/file").status_code == 200
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "document.withdraw")).one()
    assert event.username == "planner-user"
    with pytest.raises(Refused):
        services.withdraw(document, reason="again")


def test_same_bytes_twice_are_stored_once(app):
    """Two documents of the same file are two records over one stored file."""
    project, milestone = _project()
    first = services.attach("project", project.id, document_type="x_invoice", title="", document_date=None,
                            filename="a.pdf", data=PDF_BYTES)
    second = services.attach("milestone", milestone.id, document_type="x_invoice", title="", document_date=None,
                             filename="b.pdf", data=PDF_BYTES)
    db.session.commit()
    assert first.sha256 == second.sha256 and len(_stored_files(app)) == 1 and first.title == "a.pdf"


def test_cli_add_by_project_code_and_chinese_type_then_verify(app, runner, tmp_path):
    """`documents add --project CODE --type 验收报告 FILE` attaches; a file whose content is not its name's
    is refused non-zero; `documents verify` passes, then names a changed and a missing file."""
    project, _milestone = _project()
    good = tmp_path / "验收报告.pdf"
    good.write_bytes(PDF_BYTES)
    result = runner.invoke(args=["documents", "add", "--project", project.code, "--type", "验收报告", str(good)])
    assert result.exit_code == 0, result.output
    document = db.session.scalars(select(Document)).one()
    assert document.document_type == "x_acceptanceReport"
    fake = tmp_path / "invoice.pdf"
    fake.write_bytes(EXE_BYTES)
    result = runner.invoke(args=["documents", "add", "--project", project.code, "--type", "x_invoice", str(fake)])
    assert result.exit_code != 0 and "program" in result.output
    assert runner.invoke(args=["documents", "verify"]).exit_code == 0
    path = store.path_of(store.store_folder(app), document.sha256)
    path.write_bytes(b"%PDF-changed")
    result = runner.invoke(args=["documents", "verify"])
    assert result.exit_code == 1 and f"document {document.id}" in result.output and "changed" in result.output
    path.unlink()
    result = runner.invoke(args=["documents", "verify"])
    assert result.exit_code == 1 and "missing" in result.output


def test_a_site_photo_shows_when_and_where_it_was_taken(app, client, auth):
    """A JPEG with EXIF keeps its camera time and GPS position, shown beside its thumbnail."""
    from tests.test_exif import jpeg_with_exif

    project, _milestone = _project()
    document = services.attach("project", project.id, document_type="x_sitePhoto", title="路基", document_date=None,
                               filename="路基.jpg", data=jpeg_with_exif())
    db.session.commit()
    assert (document.latitude_e6, document.longitude_e6) == (25_960_000, 111_660_000)
    auth.as_role("leader")
    page = client.get(f"/projects/{project.id}", headers={"Accept-Language": "en"}).data.decode()
    assert "2026-05-01 10:22" in page and "25.96000°N 111.66000°E" in page


def test_a_site_photo_attaches_to_a_progress_report_and_shows_beside_it(app, client, auth):
    """A planner attaches a site photo to a progress report: it is stored under the report's kind and
    shown as a thumbnail in the project page's progress reports, beside the report it belongs to."""
    from projects import services as planning

    project, milestone = _project()
    update = planning.record_progress(milestone, progress_pct=40, reported_on=date(2026, 3, 2), note="路基完成四成")
    db.session.commit()
    auth.as_role("planner")
    page = client.get(f"/projects/{project.id}", headers={"Accept-Language": "en"}).data.decode()
    assert f'value="progress:{update.id}"' in page  # the attach form offers the report
    page = _upload(client, f"progress:{update.id}", JPEG_BYTES, "路基40.jpg", document_type="x_sitePhoto",
                   title="路基现场").data.decode()
    document = db.session.scalars(select(Document)).one()
    assert (document.owner_kind, document.owner_id) == ("progress", update.id)
    reports = page[page.index('id="progress-reports"'):]
    reports = reports[:reports.index("</table>")]
    assert "路基完成四成" in reports and "40%" in reports
    assert f'src="/documents/{document.id}' in reports and 'class="thumb"' in reports
