"""Builders for work-for-relief tests: valid illustrative identity numbers, a funded project, sheets."""
from __future__ import annotations

from datetime import date

from extensions import db
from funds.ledger import services as ledger
from payroll.idcard import with_check
from tests import factories
from tests.spreadsheet_builders import csv_bytes

ROSTER_HEADERS = ["序号", "姓名", "身份证号", "所在村", "是否脱贫户", "开户行", "银行卡号", "联系电话"]
PAYROLL_HEADERS = ["姓名", "身份证号", "银行卡号", "所在村", "是否脱贫户", "出勤天数", "日工资", "应发金额", "岗位"]


def id_number(serial: int, birth: str = "19800101") -> str:
    """A valid (check digit right) illustrative number of Shuangpai county (431123)."""
    return with_check(f"431123{birth}{serial % 1000:03d}")


def card_number(serial: int) -> str:
    """An illustrative 19-digit card number."""
    return f"6217995{serial:012d}"


def funded_project(channel: str = "work_for_relief", pays_directly: bool = True):
    """A work-for-relief source that allocated 1,000,000 yuan to a road with one milestone; its payments
    need no approval unless `pays_directly` is false (then a payroll is posted through a payment request)."""
    source = factories.make_source(received_fen=200_000_000, channel=channel, level="central",
                                   pays_directly=pays_directly)
    project = factories.make_project()
    milestone = factories.make_milestone(project)
    ledger.allocate(source, project, delta_fen=100_000_000, entry_date=date(2026, 1, 5))
    db.session.commit()
    return source, project, milestone


def roster_csv(count: int, start: int = 1, households=("是", "否")) -> bytes:
    """A roster of `count` workers as a county keeps it (GB18030 CSV, Chinese headers)."""
    rows = [ROSTER_HEADERS] + [[n, f"工人{n}", id_number(n), "大塘村", households[n % len(households)], "双牌农商行",
                                card_number(n), "13800000000"] for n in range(start, start + count)]
    return csv_bytes(rows, encoding="gb18030")


def payroll_rows(count: int, days: str = "20", rate: str = "150", managers: int = 0, start: int = 1) -> list[list]:
    """A payroll sheet's rows: `count` workers at `days` × `rate`, the last `managers` of them managers."""
    rows = []
    for n in range(start, start + count):
        amount = str(int(float(days) * float(rate)))
        rows.append([f"工人{n}", id_number(n), card_number(n), "大塘村", "是" if n % 2 else "否", days, rate, amount,
                     "管理" if n >= start + count - managers else "普工"])
    return rows


def payroll_csv(rows: list[list], total: str | None = None) -> bytes:
    """The payroll sheet as GB18030 CSV, with a 合计 row when `total` is given."""
    body = [PAYROLL_HEADERS] + rows + ([["合计", "", "", "", "", "", "", total, ""]] if total is not None else [])
    return csv_bytes(body, encoding="gb18030")
