"""The documents a step needs before it may be taken, as data: approving a payment request over an
amount needs an invoice, approving a project its approval letter, accepting it its acceptance report.

The table is code-reviewed data (`REQUIREMENTS`), shown read-only at /documents/required so that
finance, planning and the administrator see what each step will ask for. A feature asks
`require(step, owner_kind, owner_id, amount_fen=...)` inside the step's transaction; the step is
refused naming the missing document type.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy import select

from core.errors import Refused
from core.i18n import _l
from documents.document_types import TYPES
from documents.models import Document
from extensions import db

STEPS = {
    "payment_request.approve": _l("Approving a payment request"),
    "project.approve": _l("Approving a project"),
    "project.accept": _l("Accepting a completed project"),
}


@dataclass(frozen=True)
class Requirement:
    """Step `step` needs a current (not withdrawn) document of `document_type` on its record; for a
    step with an amount, only when the amount is over `above_fen`."""

    step: str
    document_type: str
    above_fen: int = 0

    @property
    def step_label(self) -> Any:
        """The step in the reader's language."""
        return STEPS[self.step]

    @property
    def type_label(self) -> Any:
        """The document type in the reader's language."""
        return TYPES[self.document_type].label

    def applies(self, amount_fen: Optional[int]) -> bool:
        """True when the step, for `amount_fen` (None: a step without an amount), needs the document."""
        return amount_fen is None or amount_fen > self.above_fen


# An invoice (发票) for a payment over 10,000 yuan: the county's finance office pays smaller sums
# (materials bought in the village, a day's hire) on a receipt attached to the voucher instead.
REQUIREMENTS = (
    Requirement("payment_request.approve", "x_invoice", above_fen=1_000_000),
    Requirement("project.approve", "x_projectApproval"),
    Requirement("project.accept", "x_acceptanceReport"),
)


def missing(step: str, owner_kind: str, owner_id: int, amount_fen: Optional[int] = None) -> list[Requirement]:
    """The requirements of `step` the record (`owner_kind`, `owner_id`) does not meet."""
    wanted = [item for item in REQUIREMENTS if item.step == step and item.applies(amount_fen)]
    if not wanted:
        return []
    present = set(db.session.scalars(select(Document.document_type).where(
        Document.owner_kind == owner_kind, Document.owner_id == owner_id, Document.withdrawn_at.is_(None))))
    return [item for item in wanted if item.document_type not in present]


def require(step: str, owner_kind: str, owner_id: int, amount_fen: Optional[int] = None,
            field: str = "documents") -> None:
    """Refuse the step (Refused on `field`) naming the first document it needs and the record lacks."""
    lacking = missing(step, owner_kind, owner_id, amount_fen)
    if lacking:
        raise Refused(field, _l("%(step)s needs a document of type “%(type)s”: attach it first.",
                                step=lacking[0].step_label, type=lacking[0].type_label))
