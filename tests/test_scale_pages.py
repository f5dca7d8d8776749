"""Pages over a generated county: the screens that only misbehave once there is a lot of data."""
from __future__ import annotations

from sqlalchemy import func, select

from demo.gen_data import generate_county
from extensions import db
from funds.models import FundSource, Payment
from tests import factories


def test_ledger_of_a_busy_source_pages_through_its_payments(client, auth):
    """A source with more payments than a page holds shows page 1 with a link to page 2, and page 2."""
    generate_county(projects=10, payments=300, seed=2, sources=3)
    factories.make_user("leader", username="boss")
    db.session.commit()
    source_id = db.session.scalar(select(Payment.source_id).group_by(Payment.source_id)
                                  .order_by(func.count().desc()).limit(1))
    assert db.session.scalar(select(func.count(Payment.id)).where(Payment.source_id == source_id)) > 50
    auth.login("boss")
    first = client.get(f"/funds/sources/{source_id}")
    assert first.status_code == 200
    assert f"/funds/sources/{source_id}?page=2" in first.get_data(as_text=True)
    assert client.get(f"/funds/sources/{source_id}?page=2").status_code == 200
    assert db.session.get(FundSource, source_id) is not None


def test_checks_page_shows_breaches_a_page_at_a_time(app, client, auth):
    """The checks page lists PAGE_SIZE breaches and links to the next page; the tiles count them all."""
    from datetime import date

    from funds.rules.checks import run_checks

    generate_county(projects=40, payments=600, seed=4, sources=6)
    factories.make_user("leader", username="boss")
    db.session.commit()
    total = len(run_checks(date.today()).breaches)
    assert total > 3
    app.config["PAGE_SIZE"] = 2
    auth.login("boss")
    body = client.get("/funds/checks").get_data(as_text=True)
    assert body.count('class="breach breach-') == 2
    assert "/funds/checks?page=2" in body
    last = client.get(f"/funds/checks?page={-(-total // 2)}").get_data(as_text=True)
    assert last.count('class="breach breach-') == total - 2 * (-(-total // 2) - 1)


def test_source_page_lists_twenty_breaches_and_links_to_the_rest(app, client, auth):
    """A source breaking rules on many projects lists the first 20 and links to all of them on the checks page."""
    from collections import Counter
    from datetime import date

    from funds.rules.checks import run_checks

    generate_county(projects=200, payments=1500, seed=5, sources=4)
    factories.make_user("leader", username="boss")
    db.session.commit()
    source_id, total = Counter(b.source_id for b in run_checks(date.today()).breaches).most_common(1)[0]
    assert total > 20
    auth.login("boss")
    body = client.get(f"/funds/sources/{source_id}").get_data(as_text=True)
    assert body.count('class="breach breach-') == 20
    assert f'href="/funds/checks?source={source_id}"' in body and f"{total}" in body


def test_a_sources_breaches_from_the_county_run_equal_its_own_run(app):
    """The source page and the checks page filtered by source read the county's cached run when there
    is one (else the source's own): the same breaches either way."""
    from datetime import date

    from funds.rules.checks import Scope, checks_as_of, run_checks
    from reports.cache.store import data_version, report_cache
    from reports.services import check_run

    generate_county(projects=60, payments=800, seed=6, sources=5)
    db.session.commit()
    today = date.today()
    sources = list(db.session.scalars(select(FundSource.id)))
    own = {s: [(b.kind, b.project_id, b.rule_id) for b in run_checks(today, Scope(source_id=s)).breaches]
           for s in sources}
    assert any(own.values())
    for county_cached in (False, True):
        report_cache().clear()
        if county_cached:
            check_run(data_version(), today)
        for source_id in sources:
            shared = checks_as_of(today, Scope(source_id=source_id)).breaches
            assert [(b.kind, b.project_id, b.rule_id) for b in shared] == own[source_id]
        assert ((data_version(), "checks", today, Scope(source_id=sources[0])) in report_cache()) != county_cached
