"""Every rule on contractors, whatever door it comes through (the pages, `flask contractors add`):

    register_contractor(ContractorInput(name="湖南某建设有限公司", uscc="91430000...", ...), actor=user)
    update_contractor(contractor, ContractorInput(...), actor=user, expected_version=3)

A name or credit code already registered, a credit code of the wrong length, with letters the
standard does not use or a wrong check character, a bank account that is not 6-34 digits or has no
bank: each refused (core.errors.Refused) naming the field, nothing stored. The caller commits.
The trail records every field, the bank account masked (its last four digits): the trail is read by
administrators, who are not finance.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from typing import Optional

from sqlalchemy import func, select

from audit.services import record
from contracts import uscc
from contracts.models import Contractor, mask_account
from core.errors import Refused
from core.i18n import _l
from extensions import db

LIMITS = {"name": 200, "legal_representative": 100, "contact_person": 100, "contact_phone": 40, "bank_name": 200}
PHONE = re.compile(r"^[0-9+()\- ]{3,40}$")


@dataclass
class ContractorInput:
    """What a person types about a contractor (text as typed; the services normalise and check)."""

    name: str
    uscc: str
    legal_representative: str = ""
    contact_person: str = ""
    contact_phone: str = ""
    bank_name: str = ""
    bank_account: str = ""


def _text(value: Optional[str]) -> str:
    """Spaces folded; full-width brackets and the like kept, as a Chinese registered name writes them."""
    return " ".join((value or "").split())


def _normalised(data: ContractorInput) -> dict[str, Optional[str]]:
    """The input as stored: spaces folded, full-width made ASCII, the code capitalised, the account digits only."""
    values: dict[str, Optional[str]] = {key: _text(value) or None for key, value in asdict(data).items()}
    values["uscc"] = uscc.normalise(data.uscc) or None
    values["contact_phone"] = _text(unicodedata.normalize("NFKC", data.contact_phone or "")) or None
    values["bank_account"] = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", data.bank_account or "")) or None
    return values


USCC_PROBLEMS = {
    "length": _l("A unified social credit code has 18 characters."),
    "characters": _l("Only digits and the capital letters other than I, O, Z, S and V are used."),
    "check": _l("The last character (the check character) does not match the other 17; check "
                "the code against the business licence."),
}


def check_contractor(values: dict[str, Optional[str]], existing: Optional[Contractor] = None) -> None:
    """Refused naming each field at fault (all of them at once)."""
    errors: dict[str, object] = {}
    if not values["name"]:
        errors["name"] = _l("The contractor's registered name is required.")
    for key, limit in LIMITS.items():
        if len(values[key] or "") > limit:
            errors[key] = _l("At most %(n)d characters.", n=limit)
    code = values["uscc"]
    if not code:
        errors["uscc"] = _l("The unified social credit code is required.")
    elif (problem := uscc.problem(code)) is not None:
        errors["uscc"] = USCC_PROBLEMS[problem]
    account = values["bank_account"]
    if account and not re.fullmatch(r"[0-9]{6,34}", account):
        errors["bank_account"] = _l("6 to 34 digits.")
    if account and not values["bank_name"]:
        errors["bank_name"] = _l("Say which bank holds the account.")
    if values["contact_phone"] and not PHONE.match(values["contact_phone"] or ""):
        errors["contact_phone"] = _l("Digits, spaces, +, - and brackets only.")
    errors.update(_duplicates(values, existing))
    if errors:
        raise Refused(errors)


def _duplicates(values: dict[str, Optional[str]], existing: Optional[Contractor]) -> dict[str, object]:
    errors: dict[str, object] = {}
    others = select(Contractor).where(Contractor.id != (existing.id if existing else -1))
    if values["name"] and (same := db.session.scalar(others.where(func.lower(Contractor.name) ==
                                                                   values["name"].lower()))):
        errors["name"] = _l("%(name)s is already registered.", name=same.name)
    if values["uscc"] and (same := db.session.scalar(others.where(Contractor.uscc == values["uscc"]))):
        errors["uscc"] = _l("Already registered, as %(name)s.", name=same.name)
    return errors


def _trail(values: dict[str, Optional[str]]) -> dict[str, Optional[str]]:
    if "bank_account" not in values:
        return values
    return {**values, "bank_account": mask_account(values["bank_account"]) or None}


def register_contractor(data: ContractorInput, *, actor=None) -> Contractor:
    """Register a contractor once (module docstring)."""
    values = _normalised(data)
    check_contractor(values)
    contractor = Contractor(**values, created_by_id=getattr(actor, "id", None))  # pyright: ignore[reportArgumentType]
    db.session.add(contractor)
    db.session.flush()
    record("contractor.create", user=actor, object_type="contractor", object_id=contractor.id,
           after=_trail({key: value for key, value in values.items() if value}))
    return contractor


def update_contractor(contractor: Contractor, data: ContractorInput, *, actor=None,
                      expected_version: Optional[int] = None) -> Contractor:
    """Change a contractor's facts; the trail keeps what each changed field was and became."""
    if expected_version is not None and expected_version != contractor.version:
        raise Refused("version", _l("This contractor was changed by someone else while you were editing. Reload "
                                    "it and make your change again."))
    values = _normalised(data)
    check_contractor(values, existing=contractor)
    before = {key: getattr(contractor, key) for key in values if getattr(contractor, key) != values[key]}
    if not before:
        return contractor
    for key in before:
        setattr(contractor, key, values[key])
    db.session.flush()
    record("contractor.update", user=actor, object_type="contractor", object_id=contractor.id,
           before=_trail(before), after=_trail({key: values[key] for key in before}))
    return contractor


def contractors(search: str = "") -> list[Contractor]:
    """Every contractor by name, or those whose name or credit code contains `search`."""
    query = select(Contractor).order_by(Contractor.name)
    wanted = _text(search)
    if wanted:
        like = f"%{wanted.replace('%', '').replace('_', '')}%"
        query = query.where(Contractor.name.ilike(like) | Contractor.uscc.ilike(like.upper()))
    return list(db.session.scalars(query))
