"""The leadership pages on the demo county: figures equal the ledger, charts and reports come out whole."""
from __future__ import annotations

import re
from datetime import date, timedelta
from io import BytesIO
from xml.etree import ElementTree

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from core.fonts import available_families, first_cjk_family
from core.money import format_wan
from demo.seed import demo_password, seed_demo
from extensions import db
from funds.ledger import services as ledger
from funds.models import Allocation, AllocationEntry, Appropriation, FundSource, Payment
from projects.models import Area, Milestone, Project
from reports import queries, services
from reports.cache.store import data_version, report_cache
from reports.charts.catalog import CHARTS
from reports.earned_value.measures import rank_worst_first
from reports.filters import ReportFilter
from tests import factories
from tests.conftest import DEMO_DAY

PDF_PAGE = re.compile(rb"/Type\s*/Page\b(?!s)")


pytestmark = pytest.mark.demo  # each test starts from the demo county (tests/conftest.py)


@pytest.fixture
def leader(app, client):
    """The demo county loaded (on PostgreSQL) and the client signed in as its leader."""
    if not db.session.scalar(select(func.count(Project.id))):
        seed_demo(DEMO_DAY)
        db.session.commit()
    response = client.post("/login", data={"username": "leader", "password": demo_password()})
    assert response.status_code == 302
    return client


def _tiles(html: bytes) -> dict[str, int]:
    """The dashboard's money figures in fen, read from the tiles' data-fen attributes."""
    found = re.findall(rb'id="tile-(\w+)".*?data-fen="(-?\d+)"', html, re.S)
    return {name.decode(): int(value) for name, value in found}


def _ledger_sums(project_ids=None, source_id=None) -> dict[str, int]:
    """Received, allocated and spent summed independently over the ledger's own entries."""
    entries = select(func.coalesce(func.sum(AllocationEntry.delta_fen), 0)).join(
        Allocation, Allocation.id == AllocationEntry.allocation_id)
    payments = select(func.coalesce(func.sum(Payment.amount_fen), 0))
    received = select(func.coalesce(func.sum(Appropriation.amount_fen), 0))
    if project_ids is not None:
        entries = entries.where(Allocation.project_id.in_(project_ids))
        payments = payments.where(Payment.project_id.in_(project_ids))
    if source_id is not None:
        entries = entries.where(Allocation.source_id == source_id)
        payments = payments.where(Payment.source_id == source_id)
        received = received.where(Appropriation.source_id == source_id)
    return {key: int(db.session.scalar(query)) for key, query in
            (("received", received), ("allocated", entries), ("spent", payments))}


def test_dashboard_totals_equal_the_ledger_sums(leader):
    """Received, allocated, spent and unallocated on the dashboard equal sums over appropriations,
    allocation entries and payments of the demo county."""
    tiles = _tiles(leader.get("/reports/").data)
    sums = _ledger_sums()
    assert sums["received"] > sums["allocated"] > sums["spent"] > 0
    assert tiles == {"received": sums["received"], "allocated": sums["allocated"], "spent": sums["spent"],
                     "unallocated": sums["received"] - sums["allocated"]}


def test_township_filter_narrows_allocated_spent_projects_and_late_milestones(leader):
    """Filtered by a township, allocated and spent are its projects' own; status and late counts agree."""
    township = db.session.scalar(select(Area).where(Area.code == "LB"))
    ids = list(db.session.scalars(select(Project.id).join(Area, Area.id == Project.area_id).where(
        (Area.id == township.id) | (Area.parent_id == township.id))))
    html = leader.get(f"/reports/?area={township.id}").data
    tiles, sums, everything = _tiles(html), _ledger_sums(ids), _ledger_sums()
    assert (tiles["allocated"], tiles["spent"]) == (sums["allocated"], sums["spent"])
    assert tiles["received"] == everything["received"]  # a source's own, whatever the township
    assert tiles["unallocated"] == everything["received"] - everything["allocated"]
    in_progress = db.session.scalar(select(func.count()).where(Project.id.in_(ids), Project.status == "in_progress"))
    assert f'data-status="in_progress">{in_progress}<'.encode() in html
    late = db.session.scalar(select(func.count(Milestone.id)).where(
        Milestone.project_id.in_(ids), Milestone.planned_date < date.today(), Milestone.progress_pct < 100))
    assert f'data-count="{late}"'.encode() in html
    assert f"/projects/?attention=late&amp;area={township.id}".encode() in html


def test_source_filter_shows_that_sources_money(leader):
    """Filtered by a source, every money figure is that source's, and the tiles link to its ledger."""
    source = db.session.scalar(select(FundSource).where(FundSource.code == f"FIS-{DEMO_DAY.year}"))
    html = leader.get(f"/reports/?source={source.id}").data
    sums = _ledger_sums(source_id=source.id)
    assert _tiles(html) == {"received": sums["received"], "allocated": sums["allocated"], "spent": sums["spent"],
                            "unallocated": sums["received"] - sums["allocated"]}
    assert f'href="/funds/sources/{source.id}"'.encode() in html


def test_money_as_of_an_earlier_day_sums_the_entries_dated_by_then(app, leader):
    """A report for a past day counts only appropriations, allocations and payments dated on or before it."""
    day = DEMO_DAY - timedelta(days=120)
    totals = queries.money_totals(ReportFilter(), day, date.today())
    received = db.session.scalar(select(func.sum(Appropriation.amount_fen)).where(Appropriation.received_on <= day))
    allocated = db.session.scalar(select(func.sum(AllocationEntry.delta_fen)).where(AllocationEntry.entry_date <= day))
    spent = db.session.scalar(select(func.sum(Payment.amount_fen)).where(Payment.paid_on <= day))
    assert (totals.received_fen, totals.allocated_fen, totals.spent_fen) == (received, allocated, spent)
    assert totals.spent_fen < _ledger_sums()["spent"]


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_every_chart_comes_as_png_svg_and_csv(leader, name):
    """Each chart endpoint answers a PNG, an SVG and a CSV of its numbers."""
    project = db.session.scalar(select(Project.id).where(Project.code == f"SP-{DEMO_DAY.year}-001"))
    query = f"?project={project}" if CHARTS[name].per_project else "?year=2026"
    png = leader.get(f"/reports/charts/{name}.png{query}")
    assert png.status_code == 200 and png.mimetype == "image/png" and png.data[:8] == b"\x89PNG\r\n\x1a\n"
    svg = leader.get(f"/reports/charts/{name}.svg{query}")
    assert svg.mimetype == "image/svg+xml" and ElementTree.fromstring(svg.data).tag.endswith("svg")
    csv = leader.get(f"/reports/charts/{name}.csv{query}")
    assert csv.mimetype == "text/csv" and csv.data.startswith("\ufeff".encode()) and csv.data.count(b"\n") >= 2


def test_unknown_charts_formats_and_missing_projects_are_not_found(leader):
    """A chart that does not exist, a format we do not make, or a project chart without a project: 404."""
    for url in ("/reports/charts/pie.png", "/reports/charts/fund-utilisation.gif", "/reports/charts/s-curve.png",
                "/reports/charts/s-curve.png?project=999999", "/reports/projects/999999"):
        assert leader.get(url).status_code == 404, url


def test_cache_serves_warm_charts_and_renders_again_after_a_payment(app, leader):
    """The second request is a cache hit with the same bytes; a new payment changes the data version,
    so the next request renders the chart afresh, showing the payment."""
    cache = report_cache()
    url = "/reports/charts/fund-utilisation.png"
    cold, cold_csv = leader.get(url).data, leader.get(url.replace(".png", ".csv")).data
    hits, misses = cache.hits, cache.misses
    assert leader.get(url).data == cold and cache.hits > hits and cache.misses == misses
    allocation = db.session.scalars(select(Allocation).order_by((Allocation.amount_fen - Allocation.spent_fen).desc(),
                                                                Allocation.id)).first()
    project = db.session.get(Project, allocation.project_id)
    amount = (allocation.amount_fen - allocation.spent_fen) // 2
    ledger.record_payment(allocation.source, project, project.milestones[0], voucher_no="V-CACHE-1", payee="某公司",
                          paid_on=date.today(), amount_fen=amount, cost_category="materials")
    db.session.commit()
    fresh = leader.get(url).data
    assert cache.misses > misses and fresh != cold
    assert leader.get(url).data == fresh
    fresh_csv = leader.get(url.replace(".png", ".csv")).data.decode()
    assert fresh_csv != cold_csv.decode() and f"{allocation.source.code}," in fresh_csv


def _pages(pdf: bytes) -> int:
    assert pdf.startswith(b"%PDF-")
    return len(PDF_PAGE.findall(pdf))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_meeting_report_is_a_pdf_of_several_pages(leader, lang):
    """One click gives an A4 PDF of several pages in the chosen language, named after its date."""
    response = leader.get(f"/reports/meeting-report.pdf?lang={lang}&as_of={DEMO_DAY.isoformat()}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f"meeting-report-{DEMO_DAY.isoformat()}-{lang}.pdf" in response.headers["Content-Disposition"]
    assert _pages(response.data) >= 6
    for page in PdfReader(BytesIO(response.data)).pages:  # A4 portrait: 210 x 297 mm in points
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx((595.28, 841.89), abs=1)


@pytest.mark.skipif(first_cjk_family(available_families()) is None,
                    reason="no CJK font installed (scripts/test installs fonts-wqy-microhei)")
def test_meeting_report_text_is_chinese_and_has_the_ledger_figures(leader):
    """The Chinese report's text can be extracted (selected, searched): its headings, the money
    figures equal to the ledger sums, the projects' codes and names and the charts' own labels, and
    no English word but the codes and the earned-value abbreviations beside their Chinese names."""
    pdf = leader.get(f"/reports/meeting-report.pdf?lang=zh&as_of={DEMO_DAY.isoformat()}").data
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    sums = _ledger_sums()
    for fen in (sums["received"], sums["allocated"], sums["spent"], sums["received"] - sums["allocated"]):
        assert format_wan(fen) in text
    for words in ("资金", "指标", "到位资金", "全部项目挣值", "计划价值", "进度绩效指数", "逾期节点", "资金规则违规",
                  "各资金来源使用情况", "形象进度"):  # the last two are the charts' own labels
        assert words in text, words
    late = db.session.scalar(select(Project).where(Project.code == f"SP-{DEMO_DAY.year}-001"))
    assert f"{late.code} {late.name[:8]}" in text
    # Codes out first; two chart labels side by side extract as one run (SP-2026-001SP-2026-011).
    latin = set(re.findall(r"[A-Za-z]+", re.sub(r"(?<![A-Za-z])[A-Z]+(-[0-9]+)+", " ", text)))
    assert latin <= {"PV", "EV", "AC", "CV", "SV", "CPI", "SPI", "EAC", "BAC", "VAC"}, latin


def test_meeting_report_refuses_bad_dates_and_languages(leader):
    """A malformed or future date, or an unknown language, is a bad request, not a crash."""
    future = (date.today() + timedelta(days=1)).isoformat()
    for query in ("as_of=2026-13-01", f"as_of={future}", "lang=fr"):
        assert leader.get(f"/reports/meeting-report.pdf?{query}").status_code == 400, query


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_command_writes_the_same_meeting_report(app, runner, tmp_path, lang):
    """`flask report FILE.pdf --lang ... --as-of ...` writes a PDF of several pages and says so."""
    if not db.session.scalar(select(func.count(Project.id))):
        seed_demo(DEMO_DAY)
        db.session.commit()
    path = tmp_path / f"report-{lang}.pdf"
    result = runner.invoke(args=["report", str(path), "--lang", lang, "--as-of", DEMO_DAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert _pages(path.read_bytes()) >= 6 and "pages" in result.output


def test_report_command_refuses_a_malformed_date(app, runner, tmp_path):
    """A date that is not YYYY-MM-DD stops the command with a message and writes nothing."""
    result = runner.invoke(args=["report", str(tmp_path / "r.pdf"), "--as-of", "27/11/2026"])
    assert result.exit_code != 0 and "YYYY-MM-DD" in result.output and not (tmp_path / "r.pdf").exists()


def test_earned_value_page_ranks_the_worst_first(app, leader):
    """The ranking lists the projects worst SPI first (as rank_worst_first orders them), never NaN."""
    html = leader.get("/reports/earned-value").data.decode()
    assert "NaN" not in html and "inf" not in html.replace("info", "")
    shown = re.findall(r'<tr data-code="([^"]+)"', html)
    report = services.earned_value_report(ReportFilter(), date.today(), date.today(), data_version())
    ranked = rank_worst_first(report.projects, "spi")
    assert shown == [row.code for row in ranked][:len(shown)] and len(shown) > 10
    spis = [row.measures.spi.value for row in ranked if row.measures.spi.value is not None]
    assert spis == sorted(spis) and spis[0] < 1
    cpi_html = leader.get("/reports/earned-value?by=cpi").data.decode()
    assert re.findall(r'<tr data-code="([^"]+)"', cpi_html)[0] == rank_worst_first(report.projects, "cpi")[0].code


def test_project_page_shows_earned_value_s_curve_and_timeline(leader):
    """A project's S-curve page has its figures per source and both charts with their numbers."""
    project = db.session.scalar(select(Project).where(Project.code == f"SP-{DEMO_DAY.year}-001"))
    html = leader.get(f"/reports/projects/{project.id}").data.decode()
    assert f"/reports/charts/s-curve.png?project={project.id}" in html
    assert f"/reports/charts/milestone-timeline.png?project={project.id}" in html
    assert project.code in html and 'data-ratio="spi"' in html


def test_project_without_a_plan_says_so(leader):
    """A project whose milestones are not planned yet shows 'no plan yet' instead of ratios."""
    project = db.session.scalar(select(Project).where(~Project.milestones.any()).order_by(Project.code))
    html = leader.get(f"/reports/projects/{project.id}", headers={"Accept-Language": "en"}).data.decode()
    assert "no plan yet" in html and "NaN" not in html


def _wait_for(condition, seconds: float = 60.0) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_warmed_reports_are_served_without_computing_them_again(leader):
    """After warm(), the dashboard, earned value, the checks, the charts and the meeting report in the
    county's language are cache hits, not work."""
    from reports.warm import warm

    report_cache().clear()
    warm(("zh_CN",))
    misses = report_cache().misses
    for path in ("/reports/", "/reports/earned-value", "/funds/checks", "/reports/charts/monthly-spending.png",
                 "/reports/charts/fund-utilisation.csv", "/reports/meeting-report.pdf?lang=zh"):
        assert leader.get(path).status_code == 200, path
    assert report_cache().misses == misses
    factories.make_project(code="SP-WARM-1")  # a change: the next dashboard is computed anew
    db.session.commit()
    assert leader.get("/reports/").status_code == 200
    assert report_cache().misses > misses


def test_the_warmer_builds_the_kept_breaches_of_an_upgraded_database(leader):
    """A database upgraded with data (no kept breaches yet) gets them from the warmer's first round,
    equal to a full evaluation: the checks page then stops evaluating every rule per request."""
    from flask import current_app

    from core.kept import KeptState
    from funds.rules.checks import run_checks
    from funds.rules.standing import check_run_on, is_built
    from reports.warm import warm

    db.session.query(KeptState).delete()
    db.session.execute(db.text("DELETE FROM standing_breach"))
    db.session.commit()
    current_app.extensions.pop("kept_built", None)  # this process remembered it built
    assert not is_built()
    warm(("zh_CN",), DEMO_DAY, meeting=False)
    assert is_built() and db.session.get(KeptState, "standing_breach") is not None
    kept = [breach.to_json() for breach in check_run_on(DEMO_DAY).breaches]
    assert kept and kept == [breach.to_json() for breach in run_checks(DEMO_DAY).breaches]


def test_warmer_thread_recomputes_the_reports_after_a_change(app, leader):
    """The background warmer notices a new data version and computes the reports before they are asked for."""
    from reports.warm import ReportWarmer

    warmer = ReportWarmer(app, interval=60, meeting=False)  # the PDF's step is timed by the test above
    warmer.ensure_started()
    try:
        warmer.poke()
        assert _wait_for(lambda: warmer.warmed == data_version())
        before = warmer.warmed
        factories.make_project(code="SP-WARM-2")
        db.session.commit()
        warmer.poke()
        assert _wait_for(lambda: warmer.warmed == data_version()) and warmer.warmed != before
        misses = report_cache().misses
        assert leader.get("/reports/").status_code == 200
        assert report_cache().misses == misses
    finally:
        warmer.stop()


def test_one_computation_serves_everyone_asking_for_it_at_once():
    """Two threads asking for the same report wait for one computation; a failed one is retried by the waiter."""
    import threading
    import time

    from reports.cache.store import LruCache

    cache, calls, results = LruCache(), [], []

    def slow():
        calls.append(1)
        time.sleep(0.3)
        return "figures"

    threads = [threading.Thread(target=lambda: results.append(cache.get_or_make("k", slow))) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["figures"] * 3 and len(calls) == 1

    def failing():
        time.sleep(0.2)
        raise RuntimeError("database went away")

    outcome = []
    first = threading.Thread(target=lambda: outcome.append(_raises(lambda: cache.get_or_make("j", failing))))
    first.start()
    time.sleep(0.05)
    assert cache.get_or_make("j", lambda: "second try") == "second try"
    first.join()
    assert outcome == [True]


def _raises(call) -> bool:
    try:
        call()
    except RuntimeError:
        return True
    return False


def test_cache_keeps_only_the_last_two_data_versions():
    """Figures of an older data version are dropped once two newer ones are stored: memory does not creep."""
    from reports.cache.store import LruCache

    cache = LruCache(keep_versions=2)
    for version in (1, 2, 3):
        cache.put((version, "dashboard"), f"figures {version}")
        cache.put((version, "checks"), f"breaches {version}")
    assert (1, "dashboard") not in cache and (1, "checks") not in cache
    assert (2, "dashboard") in cache and (3, "checks") in cache and len(cache) == 4
    cache.put((1, "pdf"), b"late")  # a slow computation for a dropped version finishing late
    assert (1, "pdf") not in cache and (2, "dashboard") in cache and (3, "dashboard") in cache


def test_earned_value_of_a_version_reads_a_project_placed_while_it_is_computed_without_failing(leader):
    """A project approved while the report is being computed: today's figures are summed by the database
    as they stand and include it (no plan yet); a past day's come from the milestone plans cached per
    data version, which do not hold it, and leave it for the next version."""
    from datetime import timedelta

    from reports.earned_value.queries import cached_project_plans

    today, version = date.today(), data_version()
    plans = cached_project_plans(ReportFilter(), today, version)
    late = factories.make_project(code="SP-LATE-1", status="approved")
    db.session.commit()
    report = services._compute_earned_value(ReportFilter(), today, today, version)
    assert late.id in {p.project_id for p in report.projects}
    assert next(p for p in report.projects if p.project_id == late.id).measures.bac_fen == 0
    past = services._compute_earned_value(ReportFilter(), today - timedelta(days=30), today, version)
    assert late.id not in {p.project_id for p in past.projects}
    assert {p.project_id for p in past.projects} <= set(plans)


def test_warmer_warms_again_for_a_new_day_or_a_new_language(app, leader, monkeypatch):
    """The reports are as of today: after midnight (or once English is read too) the warmer has new
    work even though no data changed."""
    import reports.warm as warm_module
    from reports.warm import ReportWarmer

    rounds = []
    monkeypatch.setattr(warm_module, "warm",
                        lambda locales, day, meeting: rounds.append((locales, day)) or data_version())
    warmer = ReportWarmer(app, interval=60)
    warmer.ensure_started()
    try:
        assert _wait_for(lambda: len(rounds) == 1)
        warmer.seen("en")
        warmer._sleep = lambda seconds: warmer._stopped  # no rest between rounds in this test
        warmer.poke()
        assert _wait_for(lambda: len(rounds) == 2) and rounds[1][0] == ("zh_Hans_CN", "en")

        class Tomorrow(date):
            @classmethod
            def today(cls):
                return date(2026, 11, 28)

        monkeypatch.setattr(warm_module, "date", Tomorrow)
        warmer.poke()
        assert _wait_for(lambda: len(rounds) == 3) and rounds[2][1] == date(2026, 11, 28)
        warmer.poke()
        assert not _wait_for(lambda: len(rounds) == 4, seconds=1.0)  # nothing new: no round
    finally:
        warmer.stop()
