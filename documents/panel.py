"""What a record's page shows of its documents (and of its parts', e.g. a project's milestones'):
the list, who may attach and withdraw, and the forms. `templates/documents/_panel.html` draws it."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from documents.document_types import TYPES
from documents.forms import DocumentForm, WithdrawForm
from documents.models import Document
from documents.owners import owner_kind
from documents.services import documents_of, max_bytes, may_attach


@dataclass
class DocumentPanel:
    """The documents of some records, as a page shows them."""

    documents: list[Document]
    labels: dict[tuple[str, int], str]
    can_attach: bool
    form: Any
    withdraw_form: Any
    types: dict = field(default_factory=lambda: TYPES)
    max_mb: int = 10

    def owner_label(self, document: Document) -> str:
        """What the document is attached to, as the page names it."""
        return self.labels.get((document.owner_kind, document.owner_id), "")


def document_panel(owners: list[tuple[str, int, str]], actor) -> DocumentPanel:
    """The panel for `owners` ((kind, id, label); the first is the page's own record)."""
    writable = [(key, owner_id, label) for key, owner_id, label in owners
                if (kind := owner_kind(key)) is not None and may_attach(kind, actor)]
    form = DocumentForm(formdata=None)
    form.owner.choices = [(f"{key}:{owner_id}", label) for key, owner_id, label in writable]
    return DocumentPanel(documents=documents_of((key, owner_id) for key, owner_id, _label in owners),
                         labels={(key, owner_id): label for key, owner_id, label in owners},
                         can_attach=bool(writable), form=form, withdraw_form=WithdrawForm(formdata=None),
                         max_mb=max_bytes() // (1024 * 1024))
