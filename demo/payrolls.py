"""The demo's work-for-relief payrolls: a road whose 40 workers (illustrative names, generated
identity numbers with a valid check digit, illustrative card numbers) are paid monthly through
payrolls. Six months worked: four posted (each paid on the 10th of the next month), the month three
months back left unpaid (overdue under the 30-day rule), last month entered and not yet due. Worker 1
is the site technician (管理/技术人员): paid on every payroll, not counted in the wage share.
The source's payments over 5,000 yuan need approval (the demo's `payment_approval` rule for
work-for-relief money), so each posted month is submitted by finance as one payment request of its
total and approved by the finance lead (`finance_lead`); the request carries the township's signed
payroll as the supporting document approval over 10,000 yuan asks for (documents.requirements names
it "invoice": wages are paid on the signed payroll, not on an invoice). Found by the project's
roster: a second run adds nothing."""
from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from auth.models import User
from demo.evidence import pdf_of
from demo.plan import shift_months
from documents.services import attach
from extensions import db
from funds.models import FundSource
from funds.requests.models import PaymentRequest
from funds.requests.services import approve_request
from payroll.idcard import with_check
from payroll.models import Worker
from payroll.payrolls import LineInput, create_payroll, post_payroll
from payroll.services import WorkerInput, import_roster, roster
from projects.models import Milestone, Project

SURNAMES = "李王张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗"
GIVEN = ("建国", "桂英", "春生", "秀兰", "志强", "冬梅", "长青", "玉华", "国平", "小红")
VILLAGES = ("龙湾村", "青山村")
WORKERS = 40
POSTED_BACK, UNPAID_BACK, LAST_BACK = (6, 5, 4, 2), 3, 1  # months before the seed's month
TECHNICIAN_RATE_FEN, WORKER_RATE_FEN = 26_000, 14_000


def demo_id_number(serial: int) -> str:
    """An illustrative number of Shuangpai county (431123) with a valid GB 11643 check digit."""
    birth = date(1965, 1, 1).toordinal() + serial * 271
    return with_check(f"431123{date.fromordinal(birth):%Y%m%d}{300 + serial:03d}")


def demo_card(serial: int) -> str:
    """An illustrative 19-digit card number (not a real bank's range)."""
    return f"6299990{431123000000 + serial}"


def demo_workers() -> list[tuple[int, WorkerInput]]:
    """The roster: 40 people, six in ten from registered households, one in ten monitored."""
    workers = []
    for serial in range(1, WORKERS + 1):
        household = "registered" if serial % 10 < 6 else ("monitored" if serial % 10 == 6 else "other")
        workers.append((serial + 1, WorkerInput(
            name=SURNAMES[serial % len(SURNAMES)] + GIVEN[serial % len(GIVEN)] + ("" if serial <= 20 else "二"),
            id_number=demo_id_number(serial), village=VILLAGES[serial % 2], household=household,
            bank_name="湖南双牌农村商业银行（示例）", card_number=demo_card(serial), phone=f"1390746{serial:04d}")))
    return workers


def _lines(workers: list[Worker], months_back: int) -> list[LineInput]:
    """Worker 1 the technician; the others 16-24 days, varying by month."""
    lines = []
    for index, worker in enumerate(workers):
        if index == 0:
            lines.append(LineInput(worker, Decimal(26), TECHNICIAN_RATE_FEN, 26 * TECHNICIAN_RATE_FEN, True))
            continue
        days = Decimal(16 + (index * 7 + months_back * 3) % 9)
        lines.append(LineInput(worker, days, WORKER_RATE_FEN, int(days * WORKER_RATE_FEN)))
    return lines


def _period(today: date, months_back: int) -> int:
    day = shift_months(today.replace(day=1), -months_back)
    return day.year * 100 + day.month


def seed_payrolls(project: Project, source: FundSource, today: date, counts: Counter, actor: User,
                  approver: User) -> None:
    """The roster and payrolls of the module docstring, once: `actor` posts, `approver` approves."""
    if roster(project.id):
        return
    rows = demo_workers()
    import_roster(project, rows, {}, actor=actor)
    counts["workers"] += len(rows)
    workers = sorted(roster(project.id), key=lambda worker: worker.id)
    milestone = db.session.scalars(select(Milestone).where(Milestone.project_id == project.id)
                                   .order_by(Milestone.sequence).offset(1).limit(1)).one()
    for months_back in sorted((*POSTED_BACK, UNPAID_BACK, LAST_BACK), reverse=True):
        payroll = create_payroll(project, source, milestone, period=_period(today, months_back),
                                 lines=_lines(workers, months_back), actor=actor)
        counts["payrolls"] += 1
        if months_back in POSTED_BACK:
            paid_on = shift_months(today.replace(day=10), -months_back + 1)
            posting = post_payroll(payroll, paid_on=min(paid_on, today), actor=actor, today=today)
            if isinstance(posting, PaymentRequest):
                counts["payment_requests"] += 1
                attach("payment_request", posting.id, document_type="x_invoice",
                       title=f"工资发放表（乡镇签字）{posting.voucher_no}（示例）", document_date=posting.paid_on,
                       filename=f"工资发放表-{payroll.period}.pdf", actor=actor, today=today,
                       data=pdf_of([f"Payroll signed by the township (illustrative) - {posting.voucher_no}",
                                    f"Project: {project.code}", f"Workers: {payroll.line_count}",
                                    f"Total: {payroll.total_fen // 100} yuan"]))
                approve_request(posting, actor=approver, reason="工资发放表与考勤核对无误，同意发放（示例）", today=today)
            counts["payments"] += 1
