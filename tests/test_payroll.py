"""Work-for-relief rosters and payrolls: identity numbers checked (GB 11643), encrypted at rest and
masked, duplicates refused by the lookup hash, imports all or nothing naming row and column, a payroll
posted as one wages payment equal to its total (kept equal by the database), key rotation."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError

from core.errors import Refused
from extensions import db
from funds.models import Payment
from payroll import idcard
from payroll.importing import import_payroll_file, import_roster_file
from payroll.models import Payroll, Worker
from payroll.payrolls import LineInput, create_payroll, post_payroll
from payroll.services import ImportRefused, WorkerInput, add_worker, reveal, roster
from tests import factories
from tests.payroll_builders import card_number, funded_project, id_number, payroll_csv, payroll_rows, roster_csv

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_check_digit_of_a_published_example():
    """GB 11643's published example 11010519491231002X is valid; changing its last character is refused."""
    assert idcard.problem("11010519491231002X") is None
    assert idcard.problem("110105194912310021") == "check"
    assert idcard.problem("11010519491331002X") == "birth"
    assert idcard.problem("1101051949123100") == "length"
    assert idcard.normalise("１１０１０５ １９４９１２３１００２x") == "11010519491231002X"


def test_mask_keeps_the_first_and_last_four():
    """Masked numbers read 4301**********1234."""
    assert idcard.mask("430123199001011234") == "4301**********1234"
    assert idcard.mask("6217995000000000012") == "6217***********0012"


def test_numbers_are_encrypted_at_rest(app):
    """The database file holds neither the full identity nor the full card number; finance's reveal
    reads them back and is recorded."""
    _source, project, _milestone = funded_project()
    worker = add_worker(project, WorkerInput(name="李四", id_number=id_number(7), card_number=card_number(7),
                                             bank_name="双牌农商行"))
    db.session.commit()
    assert worker.id_number_masked == id_number(7)[:4] + "*" * 10 + id_number(7)[-4:]
    path = Path(db.engine.url.database or "")
    if path.exists():
        db.session.execute(text("PRAGMA wal_checkpoint(FULL)"))
        content = path.read_bytes()
        assert id_number(7).encode() not in content and card_number(7).encode() not in content
    stored = db.session.execute(text("SELECT id_number_encrypted, card_encrypted FROM worker")).one()
    assert id_number(7) not in stored[0] and card_number(7) not in (stored[1] or "")
    assert reveal(worker) == {"id_number": id_number(7), "card_number": card_number(7)}
    db.session.commit()


def test_wrong_check_digit_and_duplicates_refused(app):
    """A wrong check digit is refused on its field; the same person twice on one project is refused
    (found by the lookup hash), on another project accepted."""
    _source, project, _milestone = funded_project()
    wrong = id_number(3)[:17] + ("0" if id_number(3)[17] != "0" else "1")
    with pytest.raises(Refused) as refused:
        add_worker(project, WorkerInput(name="王五", id_number=wrong))
    assert refused.value.field == "id_number" and "check digit" in str(refused.value.message)
    add_worker(project, WorkerInput(name="王五", id_number=id_number(3)))
    with pytest.raises(Refused) as refused:
        add_worker(project, WorkerInput(name="王五", id_number=id_number(3).lower()))
    assert "already" in str(refused.value.message)
    add_worker(factories.make_project(), WorkerInput(name="王五", id_number=id_number(3)))
    db.session.commit()


def test_roster_import_gb18030_all_or_nothing(app):
    """Forty workers from a GB18030 CSV with Chinese headers go on the roster; a file with one wrong
    check digit stores nobody and names its row and column."""
    _source, project, _milestone = funded_project()
    workers = import_roster_file(project, roster_csv(40), "花名册.csv")
    db.session.commit()
    assert len(workers) == 40 and sum(w.household == "registered" for w in roster(project.id)) == 20
    other = factories.make_project()
    data = roster_csv(3).decode("gb18030").replace(id_number(2), id_number(2)[:17] + "9" if id_number(2)[17] != "9"
                                                    else id_number(2)[:17] + "8").encode("gb18030")
    with pytest.raises(ImportRefused) as refused:
        import_roster_file(other, data, "花名册.csv")
    db.session.rollback()
    assert [(p.row, p.column) for p in refused.value.problems] == [(3, "身份证号")]
    assert roster(other.id) == []


def _import(source, project, milestone, data, period=202603, paid_on=None):
    return import_payroll_file(project, source, milestone, period, data, "工资表.csv", paid_on=paid_on)


def test_payroll_posted_as_one_wages_payment(app):
    """A payroll of 10 workers (20 days × 150 yuan) posts as one wages payment of 30,000.00 yuan
    against the milestone; the workers join the roster; posting again is refused."""
    source, project, milestone = funded_project()
    result = _import(source, project, milestone, payroll_csv(payroll_rows(10), total="30000"),
                     paid_on=date(2026, 4, 10))
    db.session.commit()
    payment = result.payment
    assert payment is not None and result.new_workers == 10
    assert (payment.amount_fen, payment.cost_category, payment.milestone_id) == (3_000_000, "wages", milestone.id)
    assert result.payroll.status == "posted" and result.payroll.payment_amount_fen == 3_000_000
    with pytest.raises(Refused):
        post_payroll(result.payroll, paid_on=date(2026, 4, 11))
    db.session.rollback()


def test_database_keeps_a_posted_payroll_equal_to_its_payment(app):
    """Changing a posted payroll's total, or pointing it at a payment of another amount, is refused by
    the database itself (CHECK and composite foreign key)."""
    source, project, milestone = funded_project()
    result = _import(source, project, milestone, payroll_csv(payroll_rows(2)), paid_on=date(2026, 4, 10))
    db.session.commit()
    payroll_id = result.payroll.id
    with pytest.raises(IntegrityError):
        db.session.execute(update(Payroll).where(Payroll.id == payroll_id).values(total_fen=1))
        db.session.flush()
    db.session.rollback()
    with pytest.raises(IntegrityError):
        db.session.execute(update(Payroll).where(Payroll.id == payroll_id)
                           .values(total_fen=1, payment_amount_fen=1))
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(("change", "column"), [
    (lambda rows: rows[1].__setitem__(7, "2999"), "应发金额"),
    (lambda rows: rows[0].__setitem__(5, "-3"), "出勤天数"),
    (lambda rows: rows[2].__setitem__(1, rows[2][1][:17] + ("1" if rows[2][1][17] != "1" else "2")), "身份证号"),
])
def test_bad_payroll_rows_refused_naming_row_and_column(app, change, column):
    """A line that does not add up, negative days and a wrong check digit are each refused with the
    row and column named; nothing is stored (no payroll, no worker, no payment)."""
    source, project, milestone = funded_project()
    rows = payroll_rows(3)
    change(rows)
    with pytest.raises(ImportRefused) as refused:
        _import(source, project, milestone, payroll_csv(rows), paid_on=date(2026, 4, 10))
    db.session.rollback()
    assert column in {p.column for p in refused.value.problems}
    assert db.session.scalar(select(Payroll.id)) is None and roster(project.id) == []
    assert db.session.scalar(select(Payment.id)) is None


def test_total_row_that_does_not_add_up_refused(app):
    """A 合计 row saying 30,001 yuan under lines summing to 30,000 is refused on its row."""
    source, project, milestone = funded_project()
    with pytest.raises(ImportRefused) as refused:
        _import(source, project, milestone, payroll_csv(payroll_rows(10), total="30001"))
    db.session.rollback()
    assert [(p.row, p.column) for p in refused.value.problems] == [(12, "应发金额")]


def test_payroll_from_a_source_not_work_for_relief_refused(app):
    """A fiscal source bound by no wage-share rule cannot pay a payroll; bound by one it can."""
    source, project, milestone = funded_project(channel="fiscal")
    with pytest.raises(Refused) as refused:
        _import(source, project, milestone, payroll_csv(payroll_rows(2)))
    db.session.rollback()
    assert refused.value.field == "source"
    factories.make_rule("wage_share_floor", source=source)
    result = _import(source, project, milestone, payroll_csv(payroll_rows(2)))
    db.session.commit()
    assert result.payroll.status == "draft"


def test_lines_cannot_join_a_posted_payroll(app):
    """Once posted, a payroll takes no further line: the guarded total refuses it."""
    source, project, milestone = funded_project()
    worker = add_worker(project, WorkerInput(name="赵六", id_number=id_number(9)))
    payroll = create_payroll(project, source, milestone, period=202603,
                             lines=[LineInput(worker, Decimal(10), 15_000, 150_000)])
    post_payroll(payroll, paid_on=date(2026, 4, 1))
    db.session.commit()
    other = add_worker(project, WorkerInput(name="钱七", id_number=id_number(10)))
    from payroll.payrolls import add_line
    with pytest.raises(Refused):
        add_line(payroll, LineInput(other, Decimal(1), 15_000, 15_000))
    db.session.rollback()


def test_command_imports_and_posts_with_json(app, runner, tmp_path):
    """`flask payroll import ... --json` prints workers, total and voucher; a bad file exits 1 naming row
    and column, nothing stored."""
    source, project, milestone = funded_project()
    path = tmp_path / "工资表.csv"
    path.write_bytes(payroll_csv(payroll_rows(4, days="21.5", rate="120")))
    args = ["payroll", "import", str(path), "--project", project.code, "--source", source.code,
            "--milestone", str(milestone.sequence), "--month", "2026-03", "--paid-on", "2026-04-05", "--json"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"workers": 4, "new_workers": 4, "total_yuan": "10320.00",
                                         "status": "posted", "payment": f"GZ-{project.code}-202603",
                                         "payment_request": None}
    bad = payroll_rows(2, start=20)
    bad[1][7] = "1"
    path.write_bytes(payroll_csv(bad))
    args[args.index("2026-03")] = "2026-04"
    result = runner.invoke(args=args)
    assert result.exit_code == 1 and "Row 3" in result.output and "应发金额" in result.output
    assert db.session.scalar(select(Payroll.id).where(Payroll.period == 202604)) is None


def test_rotating_the_key_keeps_numbers_readable(app, runner, tmp_path):
    """rotate-key puts a new key first, re-encrypts every number with it and drops the old one: the
    numbers read back the same and duplicates are still found."""
    # An instance folder of the test's own: rotating the checkout's key file would leave every other
    # test's (and the developer's demo's) numbers under a dropped key.
    app.instance_path = str(tmp_path / "instance")
    app.extensions.pop("personal_data_keys", None)
    _source, project, _milestone = funded_project()
    add_worker(project, WorkerInput(name="孙八", id_number=id_number(11), card_number=card_number(11)))
    db.session.commit()
    before = db.session.scalar(select(Worker.id_number_encrypted))
    result = runner.invoke(args=["payroll", "rotate-key"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    worker = db.session.scalars(select(Worker)).one()
    assert worker.id_number_encrypted != before
    assert reveal(worker)["id_number"] == id_number(11)
    assert len((Path(app.instance_path) / "personal_data_key").read_text().split()) == 1
    with pytest.raises(Refused):
        add_worker(project, WorkerInput(name="孙八", id_number=id_number(11)))
    db.session.rollback()
