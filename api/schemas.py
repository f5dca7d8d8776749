"""The API's shapes (marshmallow), from which flask-smorest writes the OpenAPI document.

Money is integer fen and, beside it, the yuan as a string with two decimals (`{"fen": 12345,
"yuan": "123.45"}`): never a float. No personal data: payroll workers are not in any shape, and a
payment's payee is shown only when it is a contractor's payment (a company); an individual payee
(a wages payment, a refund to a person) reads as withheld (null).
"""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from funds.models import COST_CATEGORIES
from projects.models import CATEGORIES, STATUSES
from projects.queries import ATTENTION, SORTS

MAX_PER_PAGE = 200


class FieldErrorSchema(Schema):
    field = fields.String(required=True)
    message = fields.String(required=True)


class ProblemSchema(Schema):
    """RFC 9457 problem details."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    errors = fields.List(fields.Nested(FieldErrorSchema))


class MoneySchema(Schema):
    fen = fields.Integer(required=True)
    yuan = fields.String(required=True, metadata={"example": "1234.50"})


class PageQuery(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PER_PAGE))


class ProjectQuery(PageQuery):
    q = fields.String(validate=validate.Length(max=100))
    category = fields.String(validate=validate.OneOf(list(CATEGORIES)))
    status = fields.String(validate=validate.OneOf(list(STATUSES)))
    area = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    year = fields.Integer(validate=validate.Range(min=2000, max=2100))
    source = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    attention = fields.String(validate=validate.OneOf(list(ATTENTION)))
    sort = fields.String(load_default="code", validate=validate.OneOf(list(SORTS)))
    dir = fields.String(load_default="asc", validate=validate.OneOf(["asc", "desc"]))


class PagedSchema(Schema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)
    next = fields.String(allow_none=True, required=True, metadata={"description": "URL of the next page, or null"})


class ProjectSchema(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    category = fields.String(required=True)
    status = fields.String(required=True)
    area_code = fields.String(required=True)
    area_name = fields.String(required=True)
    township_name = fields.String(allow_none=True, required=True)
    responsible_unit = fields.String(required=True)
    budget = fields.Nested(MoneySchema, required=True)
    allocated = fields.Nested(MoneySchema, required=True)
    spent = fields.Nested(MoneySchema, required=True)
    progress_pct = fields.Float(allow_none=True, required=True)
    planned_start = fields.Date(allow_none=True, required=True)
    planned_end = fields.Date(allow_none=True, required=True)
    actual_start = fields.Date(allow_none=True, required=True)
    actual_end = fields.Date(allow_none=True, required=True)
    late = fields.Boolean(required=True)


class ProjectPageSchema(PagedSchema):
    items = fields.List(fields.Nested(ProjectSchema), required=True)


class MilestoneSchema(Schema):
    id = fields.Integer(required=True)
    sequence = fields.Integer(required=True)
    name = fields.String(required=True)
    planned_date = fields.Date(required=True)
    planned_cost = fields.Nested(MoneySchema, required=True)
    progress_pct = fields.Integer(required=True)
    actual_date = fields.Date(allow_none=True, required=True)


class ProgressSchema(Schema):
    id = fields.Integer(required=True)
    milestone_id = fields.Integer(required=True)
    reported_on = fields.Date(required=True)
    progress_pct = fields.Integer(required=True)
    note = fields.String(required=True)


class SourceSchema(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    channel = fields.String(required=True)
    level = fields.String(required=True)
    fiscal_year = fields.Integer(required=True)
    received = fields.Nested(MoneySchema, required=True)
    allocated = fields.Nested(MoneySchema, required=True)
    spent = fields.Nested(MoneySchema, required=True)


class SourcePageSchema(PagedSchema):
    items = fields.List(fields.Nested(SourceSchema), required=True)


class AllocationSchema(Schema):
    id = fields.Integer(required=True)
    source_id = fields.Integer(required=True)
    source_code = fields.String(required=True)
    project_id = fields.Integer(required=True)
    project_code = fields.String(required=True)
    amount = fields.Nested(MoneySchema, required=True)
    spent = fields.Nested(MoneySchema, required=True)


class PaymentSchema(Schema):
    id = fields.Integer(required=True)
    source_id = fields.Integer(required=True)
    project_id = fields.Integer(required=True)
    milestone_id = fields.Integer(required=True)
    voucher_no = fields.String(required=True)
    payee = fields.String(allow_none=True, required=True,
                          metadata={"description": "the contractor; null when the payee may be a person"})
    paid_on = fields.Date(required=True)
    amount = fields.Nested(MoneySchema, required=True)
    cost_category = fields.String(required=True)
    contract_id = fields.Integer(allow_none=True, required=True)
    reversal_of_id = fields.Integer(allow_none=True, required=True)


class PaymentPageSchema(PagedSchema):
    items = fields.List(fields.Nested(PaymentSchema), required=True)


class ContractSchema(Schema):
    id = fields.Integer(required=True)
    contract_no = fields.String(required=True)
    contractor = fields.String(required=True)
    uscc = fields.String(allow_none=True, required=True)
    method = fields.String(required=True)
    signed_on = fields.Date(required=True)
    value = fields.Nested(MoneySchema, required=True)
    paid = fields.Nested(MoneySchema, required=True)


class DocumentSchema(Schema):
    id = fields.Integer(required=True)
    owner_kind = fields.String(required=True)
    owner_id = fields.Integer(required=True)
    document_type = fields.String(required=True)
    title = fields.String(required=True)
    document_date = fields.Date(allow_none=True, required=True)
    media_type = fields.String(required=True)
    size_bytes = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    withdrawn = fields.Boolean(required=True)


class CheckSchema(Schema):
    kind = fields.String(required=True)
    rule_id = fields.Integer(required=True)
    source_code = fields.String(required=True)
    project_code = fields.String(required=True)
    message = fields.String(required=True)


class CheckQuery(PageQuery):
    source = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))


class CheckPageSchema(PagedSchema):
    items = fields.List(fields.Nested(CheckSchema), required=True)


class ProgressInput(Schema):
    progress_pct = fields.Integer(required=True, validate=validate.Range(min=0, max=100))
    reported_on = fields.Date(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class PaymentInputSchema(Schema):
    source_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    project_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    milestone_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    voucher_no = fields.String(required=True, validate=validate.Length(min=1, max=64))
    payee = fields.String(required=True, validate=validate.Length(min=1, max=200))
    paid_on = fields.Date(required=True)
    amount_fen = fields.Integer(required=True, validate=validate.Range(min=1, max=10**15))
    cost_category = fields.String(required=True, validate=validate.OneOf(list(COST_CATEGORIES)))
    contract_id = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=1, max=2**31 - 1))


class PaymentRequestSchema(Schema):
    id = fields.Integer(required=True)
    state = fields.String(required=True, metadata={"description": "waiting (for approval) or direct (paid)"})
    payment_id = fields.Integer(allow_none=True, required=True)
    amount = fields.Nested(MoneySchema, required=True)
