"""What the audit trail calls documents and their steps; a document links to the page of the record
it is attached to (audit/vocabulary.py)."""
from __future__ import annotations

from collections.abc import Iterator, Mapping

from flask import Flask, has_app_context
from sqlalchemy import select

from audit.vocabulary import describe
from core.i18n import _l
from documents.document_types import TYPES
from documents.models import Document
from documents.owners import owner_kind, registered
from extensions import db

ACTIONS = {"document.add": _l("Document attached"), "document.withdraw": _l("Document withdrawn")}
FIELDS = {"owner_kind": _l("Attached to"), "owner_id": _l("Record number"), "document_type": _l("Document type"),
          "title": _l("Title"), "document_date": _l("Document date"), "filename": _l("File name"),
          "size_bytes": _l("Size (bytes)"), "sha256": _l("SHA-256")}


class OwnerKindLabels(Mapping):
    """{kind: name} of the owner kinds registered by the time the trail is read (features register later)."""

    def _kinds(self) -> dict:
        return {key: kind.label for key, kind in registered().items()} if has_app_context() else {}

    def __getitem__(self, key: str):
        return self._kinds()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._kinds())

    def __len__(self) -> int:
        return len(self._kinds())


def document_links(ids: list[str]) -> Mapping[str, str]:
    """The page of the record each document is attached to."""
    numbers = [int(text) for text in ids if text.isdigit() and len(text) < 19]
    links = {}
    for document_id, kind_key, owner_id in db.session.execute(
            select(Document.id, Document.owner_kind, Document.owner_id).where(Document.id.in_(numbers))):
        kind = owner_kind(kind_key)
        found = kind.find(owner_id) if kind is not None else None
        if kind is not None and found is not None:
            links[str(document_id)] = kind.url(found) + "#documents"
    return links


def install(app: Flask) -> None:
    """Tell the trail the documents' words and links."""
    describe(app, actions=ACTIONS, objects={"document": _l("Document")}, fields=FIELDS,
             values={"document_type": {code: kind.label for code, kind in TYPES.items()},
                     "owner_kind": OwnerKindLabels()},
             links={"document": document_links})
