"""Pages over a generated county: the screens that only misbehave once there is a lot of data."""
from __future__ import annotations

from sqlalchemy import func, select

from demo.gen_data import generate_county
from extensions import db
from funds.models import Allocation, FundSource, Payment
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


def test_breaches_read_from_the_kept_table_equal_full_runs(app):
    """A synthetic county's standing breaches, read for the county, each source and each project, are the
    breaches a full run of the checks finds for the same scope, today and a year on."""
    from datetime import date, timedelta

    from funds.rules.checks import Scope, run_checks
    from funds.rules.standing import check_run_on, is_built

    generate_county(projects=60, payments=800, seed=6, sources=5)
    db.session.commit()
    assert is_built()
    sources = list(db.session.scalars(select(FundSource.id)))
    projects = list(db.session.scalars(select(Allocation.project_id).distinct()))
    for today in (date.today(), date.today() + timedelta(days=365)):
        scopes = [Scope()] + [Scope(source_id=s) for s in sources] + [Scope(project_id=p) for p in projects[:20]]
        for scope in scopes:
            kept = [b.to_json() for b in check_run_on(today, scope).breaches]
            assert kept == [b.to_json() for b in run_checks(today, scope).breaches], scope
        assert check_run_on(today, Scope()).breaches
