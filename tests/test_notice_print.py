"""The printed notice (公示): an A4 PDF in Chinese from the notice's frozen snapshot, downloadable from
the notice page, with a QR code that decodes to the project's public page."""
from __future__ import annotations

import shutil
import subprocess
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from core.fonts import available_families, first_cjk_family
from disclosure import services
from disclosure.printing import public_url
from extensions import db
from tests import factories

TODAY = date.today()
HAS_CJK_FONT = first_cjk_family(available_families()) is not None
CAN_DECODE = shutil.which("zbarimg") is not None and shutil.which("pdftoppm") is not None
BASE = "https://xm.example.gov.cn"


def _notice(**fields):
    values = dict(status="proposed", review_state="agreed", name="江村产业路硬化工程", description="硬化道路2公里",
                  responsible_unit="江村镇人民政府", beneficiaries="江村村民", beneficiary_count=1146)
    values.update(fields)
    project = factories.make_project(**values)
    factories.make_target(project)
    notice = services.post_notice(project, kind="pre_approval", place="village_board", start_date=TODAY,
                                  end_date=TODAY + timedelta(days=9))
    db.session.commit()
    return project, notice


def _download(client, auth, notice) -> bytes:
    auth.as_role("leader")
    response = client.get(f"/notices/{notice.id}/notice.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    return response.data


@pytest.mark.skipif(not HAS_CJK_FONT, reason="no CJK font installed (scripts/test installs fonts-wqy-microhei)")
def test_printed_notice_holds_the_disclosure_in_chinese(app, client, auth):
    """The PDF says, in Chinese, the project's code and name, the notice period and the supervision phone."""
    app.config["SUPERVISION_PHONE"] = "0746-7712317"
    project, notice = _notice()
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(_download(client, auth, notice))).pages)
    compact = text.replace(" ", "").replace("\n", "")
    assert project.code in text and "江村产业路硬化工程" in compact
    assert "项目计划（立项）公示" in compact and "公示期" in compact and "监督电话" in compact
    assert TODAY.isoformat() in text and (TODAY + timedelta(days=9)).isoformat() in text
    assert "0746-7712317" in text and "江村镇人民政府" in compact and "绩效目标" in compact


def test_printed_notice_is_the_frozen_snapshot_and_literal(app, client, auth):
    """A project renamed after posting prints under the name the notice disclosed; markup in a name prints as typed."""
    project, notice = _notice(name='#panic("boom") *x*')
    project.name = "改名后的项目"
    db.session.commit()
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(_download(client, auth, notice))).pages)
    assert '#panic("boom") *x*' in text and "改名后的项目" not in text.replace(" ", "")


def test_public_url_uses_the_configured_base_else_the_request(app):
    """The QR's address is under PUBLIC_BASE_URL when set, else the address the request came to."""
    with app.test_request_context("/", base_url="http://intranet.local"):
        assert public_url("G-2026-001") == "http://intranet.local/public/projects/G-2026-001"
        app.config["PUBLIC_BASE_URL"] = BASE + "/"
        assert public_url("G-2026-001") == f"{BASE}/public/projects/G-2026-001"


@pytest.mark.skipif(not CAN_DECODE, reason="needs zbarimg (zbar-tools) and pdftoppm (poppler-utils)")
def test_printed_qr_code_decodes_to_the_public_page(app, client, auth, tmp_path: Path):
    """The QR code on the printed page, read back from a 150 dpi rendering, is the public page's absolute URL."""
    app.config["PUBLIC_BASE_URL"] = BASE
    project, notice = _notice()
    pdf = tmp_path / "notice.pdf"
    pdf.write_bytes(_download(client, auth, notice))
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=60)
    pages = sorted(str(path) for path in tmp_path.glob("page*.png"))
    done = subprocess.run(["zbarimg", "--quiet", "--raw", *pages], capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.stdout.split() == [f"{BASE}/public/projects/{project.code}"]
    assert client.get(f"/public/projects/{project.code}").status_code == 200


@pytest.mark.skipif(not HAS_CJK_FONT, reason="no CJK font installed (scripts/test installs fonts-wqy-microhei)")
def test_cli_prints_the_projects_newest_notice(app, tmp_path: Path):
    """`flask notices print CODE FILE.pdf` writes the project's notice; an unknown code, a project
    without a notice, or no public address configured end non-zero with the reason and no file."""
    project, _notice_posted = _notice()
    runner = app.test_cli_runner()
    out = tmp_path / "notice.pdf"
    refused = runner.invoke(args=["notices", "print", project.code, str(out)])
    assert refused.exit_code != 0 and "LIANDONG_PUBLIC_BASE_URL" in refused.output and not out.exists()
    app.config["PUBLIC_BASE_URL"] = BASE
    unknown = runner.invoke(args=["notices", "print", "NO-SUCH", str(out)])
    assert unknown.exit_code != 0 and "no project with code 'NO-SUCH'" in unknown.output and not out.exists()
    silent = factories.make_project()
    db.session.commit()
    none = runner.invoke(args=["notices", "print", silent.code, str(out)])
    assert none.exit_code != 0 and "has no notice" in none.output and not out.exists()
    printed = runner.invoke(args=["notices", "print", project.code, str(out)])
    assert printed.exit_code == 0, printed.output
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    assert project.code in text and "江村产业路硬化工程" in text and "监督电话" in text
