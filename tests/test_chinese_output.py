"""What the demo county shows in Chinese is Chinese: its pages, charts (their SVG text), CSV files, the
import template and the meeting-report PDF contain no English word and no Latin month name, beyond a
short allow-list of codes, units and names.

The PDF's text is read with poppler's `pdftotext`, which reads any PDF (matplotlib's today, Typst's
later); the test is skipped where poppler-utils is not installed (scripts/test installs it).
"""
from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from html import unescape
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from audit.models import AuditEvent
from auth.models import User
from config import Config
from demo.seed import demo_password
from extensions import db
from funds.models import FundSource, Payment
from projects.models import CATEGORIES, STATUSES, Area, Project
from reports.charts.catalog import DASHBOARD_CHARTS, PROJECT_CHARTS

ZH = {"Accept-Language": "zh-CN"}
PAGE_SIZE = Config.PAGE_SIZE
WORD = re.compile(r"[A-Za-z]{2,}")
MONTH_NAMES = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b")
# Latin letters a Chinese reader meets on purpose: earned-value abbreviations (beside their Chinese names),
# file formats, encodings and programs a clerk picks (Excel, GB18030, UTF-8), units, the language switch,
# the SHA-256 that names a file; the kinds of document a clerk attaches and their sizes, the extensions of
# attached files' names; "MA", the letters in the demo's credit codes (91431123MA4L...).
ALLOWED = {"PV", "EV", "AC", "CV", "SV", "CPI", "SPI", "EAC", "VAC", "BAC", "SVG", "PNG", "CSV", "PDF", "xlsx",
           "csv", "Excel", "GB", "GBK", "UTF", "English", "SHA", "km", "JPEG", "WebP", "docx", "MB", "KB", "pdf",
           "png", "jpg", "MA",
           "WGS", "GCJ", "GPS", "OC", "IDS", "API"}  # coordinate systems (WGS84, GCJ-02), OC4IDS, API (令牌)
DIGEST = re.compile(r"\b[0-9a-f]{16,64}\b")  # file fingerprints in the audit trail: codes, not words
VISIBLE_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")


class _TextOf(HTMLParser):
    """What a reader sees of a page: text outside scripts and styles, and the attributes shown as hints."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        self.parts += [value or "" for name, value in attrs if name in VISIBLE_ATTRIBUTES]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def _page_text(html: str) -> str:
    parser = _TextOf()
    parser.feed(html)
    return " ".join(parser.parts)


def _names_in_data() -> set[str]:
    """Codes and names the county typed (project and source codes, vouchers, usernames, area codes) and
    the codes the import template lists beside their names."""
    texts = [*db.session.scalars(select(Project.code)), *db.session.scalars(select(FundSource.code)),
             *db.session.scalars(select(Payment.voucher_no)), *db.session.scalars(select(User.username)),
             *db.session.scalars(select(Area.code)), *CATEGORIES, *STATUSES]
    return {word for text in texts for word in WORD.findall(text or "")}


def _foreign_words(text: str, allowed: set[str]) -> list[str]:
    text = DIGEST.sub(" ", text)
    return sorted({word for word in WORD.findall(text) if word not in allowed} | set(MONTH_NAMES.findall(text)))


pytestmark = pytest.mark.demo  # the demo county, seeded once per run (tests/conftest.py)


@pytest.fixture
def county(app, client):
    """The demo county; the names in its data (and ALLOWED) are the words that may be foreign."""
    return _names_in_data() | ALLOWED


def _sign_in(client, username: str) -> None:
    client.post("/logout")
    response = client.post("/login", data={"username": username, "password": demo_password()})
    assert response.status_code == 302, username


def _trail_pages() -> int:
    """How many pages the demo's audit trail has (its rule parameters and sign-ins are on the last)."""
    events = db.session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    return max(1, -(-events // PAGE_SIZE))


def _pages(client) -> dict[str, str]:
    """Every page of the demo a county's staff open, in Chinese, with the role that opens it."""
    projects = db.session.scalars(select(Project.id)).all()
    sources = db.session.scalars(select(FundSource.id)).all()
    seen: dict[str, str] = {}
    plan = {
        "planner": ["/projects/", "/projects/?page=2", "/projects/new", "/projects/import",
                    *[f"/projects/{number}" for number in projects], f"/projects/{projects[0]}/edit"],
        "finance": ["/funds/", "/funds/checks", "/funds/rules", *[f"/funds/sources/{number}" for number in sources],
                    *[f"/funds/sources/{number}/reconcile" for number in sources[:3]],
                    f"/funds/sources/{sources[0]}/statements", f"/funds/sources/{sources[0]}/payments/new",
                    f"/funds/sources/{sources[0]}/allocations", "/funds/sources/new", "/funds/rules/new"],
        "leader": ["/reports/", "/reports/earned-value", *[f"/reports/projects/{number}" for number in projects[:8]]],
        "auditor": [f"/audit/?page={number}" for number in range(1, _trail_pages() + 1)],
        "admin": ["/admin/", "/admin/users/new", "/account/password"],
    }
    for username, urls in plan.items():
        _sign_in(client, username)
        for url in urls:
            response = client.get(url, headers=ZH)
            assert response.status_code == 200, url
            seen[url] = _page_text(response.data.decode())
    return seen


def test_chinese_pages_have_no_english(county, client):
    """Every demo page a county's staff open reads in Chinese."""
    found = {url: words for url, text in _pages(client).items() if (words := _foreign_words(text, county))}
    assert found == {}, '\n'.join(f'{url}: {words}' for url, words in found.items())


def _chart_texts(client) -> dict[str, str]:
    projects = db.session.scalars(select(Project.id).where(Project.status == "in_progress")).all()[:4]
    urls = [f"/reports/charts/{name}.{fmt}" for name in DASHBOARD_CHARTS for fmt in ("svg", "csv")]
    urls += [f"/reports/charts/{name}.{fmt}?project={number}" for name in PROJECT_CHARTS for number in projects
             for fmt in ("svg", "csv")]
    texts = {}
    for url in urls:
        response = client.get(url, headers=ZH)
        assert response.status_code == 200, url
        body = response.data.decode("utf-8-sig")
        texts[url] = " ".join(re.findall(r"<!--(.*?)-->", body)) if ".svg" in url else body
    return texts


def test_charts_and_their_numbers_have_no_english(county, client):
    """The charts' words (SVG text) and their CSV files: Chinese headings and units, numeric months."""
    _sign_in(client, "leader")
    texts = _chart_texts(client)
    found = {url: words for url, text in texts.items() if (words := _foreign_words(text, county))}
    assert found == {}, '\n'.join(f'{url}: {words}' for url, words in found.items())
    heading = next(iter(csv.reader(io.StringIO(texts["/reports/charts/fund-utilisation.csv"]))))
    assert "到位资金（元）" in heading and not any("(yuan)" in cell for cell in heading)


def test_import_template_is_chinese(county, client):
    """The import template's sheets, headers, notes and instructions are Chinese, and call a milestone 节点."""
    _sign_in(client, "planner")
    workbook = load_workbook(io.BytesIO(client.get("/projects/import/template.xlsx", headers=ZH).data))
    texts = [" ".join(workbook.sheetnames)]
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                texts.append("" if cell.value is None else str(cell.value))
                texts.append(cell.comment.text if cell.comment else "")
    text = " ".join(texts)
    assert _foreign_words(text, county) == [], text
    assert "里程碑" not in text and "节点" in text


def test_project_export_is_chinese(county, client):
    """The project list exported as CSV: Chinese headings and labels."""
    _sign_in(client, "planner")
    text = client.get("/projects/export.csv", headers=ZH).data.decode("utf-8-sig")
    assert _foreign_words(text, county) == []


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_meeting_report_pdf_is_chinese(county, client, tmp_path):
    """The meeting report in Chinese: its text (tables and charts alike) has no English; its figures are
    headed 指标, not 图."""
    _sign_in(client, "leader")
    response = client.get("/reports/meeting-report.pdf?lang=zh", headers=ZH)
    assert response.status_code == 200
    path = tmp_path / "report.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "双牌县" in text and "指标" in text and not re.search(r"^图\s", text, re.M)
    assert _foreign_words(unescape(text), county) == []
