"""How a view stores what a form says, the same way everywhere:

    saved = save(lambda: services.do_something(...), form)
    if saved.ok:
        flash(...); return redirect(...)
    return render_template(..., form=form)   # the refusal is on the form's fields

One transaction under the one commit policy (core.transactions: a write transaction from its first
read, retried when the database says try again); the form's one-time token spent in it, so the same
form sent twice stores once; a refusal (core.errors.Refused) shown on the form's fields, or flashed;
a clash with someone else's change explained. Never a 500 because two people saved at once.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Optional

from flask import flash
from flask_babel import gettext as _

from core.errors import Refused, show_refusal
from core.once import already_used, spend
from core.transactions import ConflictError, commit_with_retry
from extensions import db


@dataclass(frozen=True)
class Saved:
    """What `save` did: `ok` when stored (now, or by an earlier submission of the same form, then
    `repeated`), with what the work returned."""

    ok: bool
    value: Any = None
    repeated: bool = False


def save(work: Callable[[], Any], form=None, *, on_form: bool = True,
         fields: Optional[Mapping[str, str]] = None) -> Saved:
    """Run `work` and commit (module docstring). A refusal goes on the form's field of its name
    (`fields` renames), or is flashed when `on_form` is false or the form has no such field."""
    token = getattr(getattr(form, "once", None), "data", None)
    if already_used(token):
        flash(_("This form was already submitted and saved; it was not saved a second time."), "info")
        return Saved(True, repeated=True)

    def once_only():
        spend(token)
        return work()

    try:
        return Saved(True, commit_with_retry(once_only))
    except Refused as refused:
        db.session.rollback()
        show_refusal(form if on_form else None, refused, fields)
    except ConflictError:
        flash(_("Someone changed the same records at the same moment; nothing was saved. Check and try again."),
              "error")
    return Saved(False)
