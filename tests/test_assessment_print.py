"""The self-assessment form (自评表): an A4 PDF in Chinese with the project's score and every indicator,
from the project's page and `flask assessments print PROJECT_CODE FILE.pdf`."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from core.fonts import available_families, first_cjk_family
from extensions import db
from funds.ledger import services as ledger
from tests import factories

HAS_CJK_FONT = first_cjk_family(available_families()) is not None
pytestmark = pytest.mark.skipif(not HAS_CJK_FONT, reason="no CJK font installed (scripts/test installs fonts-wqy-microhei)")


def _assessed_project():
    """Allocated, nothing spent yet (0 of 10 budget points); one output indicator met (25 of 50), one
    missed; one benefit indicator met (30); satisfaction not measured (0): 55.0 of 100."""
    project = factories.make_project(name="江村产业路硬化工程", responsible_unit="江村镇人民政府")
    ledger.allocate(factories.make_source(received_fen=5_000_000), project, delta_fen=2_000_000,
                    entry_date=date(2026, 1, 5))
    project.status = "completed"
    factories.make_target(project, actual_value=Decimal("2.6"))
    factories.make_target(project, category="timeliness", name="按期完工率", unit="%", target_value=Decimal(100),
                          actual_value=Decimal(80))
    factories.make_target(project, tier="benefit", category="social", name="受益人口", unit="人",
                          target_value=Decimal(1000), actual_value=Decimal(1146))
    factories.make_target(project, tier="satisfaction", category="beneficiary", name="群众满意度", unit="%",
                          target_value=Decimal(90))
    db.session.commit()
    return project


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages).replace(" ", "").replace("\n", "")


def test_printed_form_holds_the_score_and_every_indicator(app, client, auth):
    """Downloaded from the project's link, the form says in Chinese the total 55.0 of 100, each part's
    points, each indicator with its target and actual value, and which targets were missed."""
    project = _assessed_project()
    auth.as_role("leader")
    assert f"/projects/{project.id}/assessment.pdf" in client.get(f"/projects/{project.id}").data.decode()
    response = client.get(f"/projects/{project.id}/assessment.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _text(response.data)
    assert "项目绩效自评表" in text and project.code in text and "江村产业路硬化工程" in text
    assert "55.0" in text and "预算执行率" in text and "0.0%" in text
    for name in ("硬化道路长度", "按期完工率", "受益人口", "群众满意度"):
        assert name in text
    assert "≥2.4公里" in text and "2.6公里" in text and "80%" in text
    assert "25.0" in text and "30.0" in text and "未达成" in text and "尚未录入实际值" in text


def test_cli_prints_the_form_and_refuses_an_unknown_code(app, tmp_path: Path):
    """`flask assessments print CODE FILE.pdf` writes the form; an unknown code ends non-zero, no file."""
    project = _assessed_project()
    runner = app.test_cli_runner()
    out = tmp_path / "form.pdf"
    unknown = runner.invoke(args=["assessments", "print", "NO-SUCH", str(out)])
    assert unknown.exit_code != 0 and "no project with code 'NO-SUCH'" in unknown.output and not out.exists()
    printed = runner.invoke(args=["assessments", "print", project.code, str(out)])
    assert printed.exit_code == 0, printed.output
    text = _text(out.read_bytes())
    assert project.code in text and "55.0" in text and "群众满意度" in text
