"""The API's contract, checked by schemathesis against the app: no 500, answers conform to the document."""
from __future__ import annotations

from datetime import date

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlalchemy import func, select

from api.tokens import create_token
from audit.models import AuditEvent
from extensions import db
from funds.ledger import services as ledger
from tests import factories


def test_schemathesis_finds_no_server_error_and_no_nonconforming_answer(app):
    """Property-based requests from /api/v1/openapi.json, a few per operation, with a finance token."""
    project = factories.make_project()
    factories.make_milestone(project)
    source = factories.make_source(received_fen=10_000_000, pays_directly=True)
    ledger.allocate(source, project, delta_fen=5_000_000, entry_date=date(2026, 1, 2))
    secret = create_token(factories.make_user("finance"), "write", 5).secret
    db.session.commit()
    app.config["API_RATE_PER_MINUTE"] = 100_000
    app.extensions.pop("api_limiter", None)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures = []
    operations = list(schema.get_all_operations())
    for operation in operations:
        op = operation.ok()

        @given(op.as_strategy())
        @settings(max_examples=8, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def run(case):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {secret}"}
            response = case.call()
            try:
                case.validate_response(response, checks=(not_a_server_error, response_schema_conformance))
            except Exception as error:  # collect, then fail once with all
                failures.append(f"{case.operation.method.upper()} {case.operation.path}: {error}")
                raise
        try:
            run()
        except Exception as error:
            if not failures:
                failures.append(f"{op.method.upper()} {op.path}: {error}")
    app.extensions.pop("api_limiter", None)
    assert failures == [], failures[:3]
    uses = db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "api.use"))
    assert uses >= 2 * len(operations)  # the requests were made
