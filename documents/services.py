"""Every rule on documents, whatever door it comes through (the pages, the command line, an import):

    attach("project", 5, document_type="x_acceptanceReport", title="竣工验收报告", document_date=day,
           filename="验收报告.pdf", data=b"%PDF-...", actor=user)
    withdraw(document, reason="扫描件不清晰，已重新上传", actor=user)
    documents_of([("project", 5), ("milestone", 12)])
    stored_file_problems()        # [(document, "missing" | "changed")] for `flask documents verify`

Each raises core.errors.Refused naming the field at fault, before anything is stored; the caller
commits (core.saving.save on the pages, core.cli_options.commit_or_fail in the commands).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, Optional

from flask import current_app
from sqlalchemy import and_, or_, select

from audit.services import record
from core.clock import utcnow
from core.dates import PAST, window
from core.errors import Refused
from core.i18n import _l
from documents import store
from documents.document_types import TYPES
from documents.exif import PhotoFacts, read_photo_facts
from documents.models import MAX_REASON, MAX_TITLE, Document
from documents.owners import OwnerKind, owner_kind
from documents.sniffing import DEFAULT_MAX_BYTES, JPEG, clean_name, sniff
from extensions import db


def max_bytes() -> int:
    """The size cap of one document (config DOCUMENT_MAX_BYTES, 10 MB by default)."""
    return int(current_app.config.get("DOCUMENT_MAX_BYTES") or DEFAULT_MAX_BYTES)


def owner_of(kind_key: str, owner_id: Any) -> tuple[OwnerKind, Any]:
    """The registered kind and its record, or Refused("owner") naming what is not there."""
    kind = owner_kind(kind_key)
    if kind is None:
        raise Refused("owner", _l("Attached to: documents cannot be attached to “%(kind)s”.", kind=str(kind_key)[:40]))
    record_ = kind.find(int(owner_id)) if str(owner_id).isdigit() and len(str(owner_id)) < 19 else None
    if record_ is None:
        raise Refused("owner", _l("Attached to: there is no %(kind)s %(id)s.", kind=kind.label, id=str(owner_id)[:20]))
    return kind, record_


def may_attach(kind: OwnerKind, actor) -> bool:
    """Whether `actor` (None: the command line) may attach documents to records of `kind`."""
    return actor is None or getattr(actor, "role", None) in kind.write_roles


def may_read(kind: OwnerKind, actor) -> bool:
    """Whether `actor` may read (and download) documents attached to records of `kind`."""
    return getattr(actor, "role", None) in kind.read_roles


def attach(kind_key: str, owner_id: int, *, document_type: str, title: str, document_date: Optional[date],
           filename: str, data: bytes, actor=None, today: Optional[date] = None) -> Document:
    """Keep `data` as a document of `document_type` attached to the record (module docstring)."""
    kind, _record = owner_of(kind_key, owner_id)
    if not may_attach(kind, actor):
        raise Refused("owner", _l("Attached to: your role may not attach documents to this record."))
    if document_type not in TYPES:
        raise Refused("document_type", _l("Document type: choose one of the listed types."))
    name = clean_name(filename)
    title = (title or "").strip() or name
    if len(title) > MAX_TITLE:
        raise Refused("title", _l("Title: at most %(n)d characters.", n=MAX_TITLE))
    problem = window().problem(document_date, today=today or date.today(), kind=PAST)
    if document_date is not None and problem is not None:
        raise Refused("document_date", _l("Document date: %(problem)s", problem=problem))
    file_kind = sniff(data, name, max_bytes())
    digest = store.put(store.store_folder(), data)
    facts = read_photo_facts(data) if file_kind is JPEG else PhotoFacts()
    document = Document(owner_kind=kind.key, owner_id=int(owner_id), document_type=document_type, title=title,
                        document_date=document_date, filename=name, media_type=file_kind.media_type,
                        size_bytes=len(data), sha256=digest, uploaded_by_id=getattr(actor, "id", None),
                        photo_taken_at=facts.taken_at, latitude_e6=_micro(facts.latitude),
                        longitude_e6=_micro(facts.longitude))
    db.session.add(document)
    db.session.flush()
    record("document.add", user=actor, object_type="document", object_id=document.id,
           after={"owner_kind": kind.key, "owner_id": int(owner_id), "document_type": document_type, "title": title,
                  "document_date": document_date.isoformat() if document_date else None, "filename": name,
                  "size_bytes": len(data), "sha256": digest})
    return document


def _micro(degrees: Optional[float]) -> Optional[int]:
    return round(degrees * 1_000_000) if degrees is not None else None


def withdraw(document: Document, *, reason: str, actor=None) -> Document:
    """Withdraw `document` with a reason: it stays listed (struck through) and downloadable, never deleted."""
    kind = owner_kind(document.owner_kind)
    if kind is not None and not may_attach(kind, actor):
        raise Refused("reason", _l("Reason: your role may not withdraw documents of this record."))
    if document.withdrawn:
        raise Refused("reason", _l("Reason: this document was already withdrawn."))
    reason = (reason or "").strip()
    if not reason:
        raise Refused("reason", _l("Reason: say why the document is withdrawn."))
    if len(reason) > MAX_REASON:
        raise Refused("reason", _l("Reason: at most %(n)d characters.", n=MAX_REASON))
    document.withdrawn_at, document.withdrawal_reason = utcnow(), reason
    document.withdrawn_by_id = getattr(actor, "id", None)
    db.session.flush()
    record("document.withdraw", user=actor, object_type="document", object_id=document.id,
           before={"title": document.title}, after={"reason": reason})
    return document


def documents_of(owners: Iterable[tuple[str, int]]) -> list[Document]:
    """The documents attached to any of `owners` ((kind, id) pairs), current ones first, newest first."""
    by_kind: dict[str, list[int]] = {}
    for kind_key, owner_id in owners:
        by_kind.setdefault(kind_key, []).append(owner_id)
    if not by_kind:
        return []
    wanted = or_(*(and_(Document.owner_kind == key, Document.owner_id.in_(ids)) for key, ids in by_kind.items()))
    return list(db.session.scalars(select(Document).where(wanted).order_by(
        Document.withdrawn_at.is_not(None), Document.document_date.desc(), Document.id.desc())))


def stored_file_problems() -> list[tuple[Document, str]]:
    """Every document whose stored file is missing or no longer has its hash (each file read once)."""
    folder = store.store_folder()
    seen: dict[str, Optional[str]] = {}
    problems = []
    for document in db.session.scalars(select(Document).order_by(Document.id)):
        if document.sha256 not in seen:
            seen[document.sha256] = store.problem_of(folder, document.sha256)
        if seen[document.sha256] is not None:
            problems.append((document, str(seen[document.sha256])))
    return problems
