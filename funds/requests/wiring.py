"""What payment requests add to others: requests as records documents attach to (finance attaches the
invoice; everyone who reads the ledger reads them), and the navigation's count of requests waiting,
shown to the accounts that may approve them."""
from __future__ import annotations

from typing import Optional

from flask import Flask, url_for
from flask_login import current_user

from core.access import MONEY_WRITERS, READERS
from core.i18n import _l
from documents import owners
from extensions import db
from funds.requests.models import PaymentRequest
from funds.requests.services import may_approve, waiting_count


def _waiting_for_approver() -> Optional[int]:
    """The count of requests waiting, for an account that may approve them (None for others)."""
    return waiting_count() if may_approve(current_user) else None


def install(app: Flask) -> None:
    """The document owner kind and the navigation's count."""
    owners.register(app, "payment_request", label=_l("Payment request"), read_roles=READERS,
                    write_roles=MONEY_WRITERS, find=lambda owner_id: db.session.get(PaymentRequest, owner_id),
                    title=lambda item: f"{item.voucher_no} ({item.id})",
                    url=lambda item: url_for("funds.payment_request", request_id=item.id))
    app.context_processor(lambda: {"requests_waiting": _waiting_for_approver})
