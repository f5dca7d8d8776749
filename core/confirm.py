"""A confirm step before a consequential action (closing a month, disabling an account, switching a
rule off, unmatching, moving a project's status): one mechanism for every such form.

The server decides. A view of such an action calls `ask(...)` once its form has validated:

    if (question := confirm.ask(_("Close 2026-03 of FIS-2026?"), _("Close month"), back=ledger_url)):
        return question      # the confirm page; nothing done yet
    ...do it...

Until the form carries `confirmed=1`, `ask` answers with a page that says what will happen and
sends the very same fields again (CSRF and one-time tokens included) with `confirmed=1` when the
person confirms; Cancel goes back. That works in any browser, with no script at all. With script,
static/forms.js asks the same question in a dialog before the form leaves the page (forms marked
`data-confirm`, see `attributes`), and adds `confirmed=1` itself: one step either way, never two.
No inline script (the Content-Security-Policy forbids it).
"""
from __future__ import annotations

from typing import Optional
from urllib.parse import urlsplit

from flask import render_template, request
from markupsafe import Markup, escape

CONFIRMED = "confirmed"


def confirmed() -> bool:
    """True when the posted form says the person confirmed the action."""
    return request.form.get(CONFIRMED) == "1"


def ask(question: str, action_label: str, *, back: Optional[str] = None, detail: str = ""):
    """None when the action was confirmed; otherwise the confirm page (status 200) that re-posts
    the form's fields with the confirmation. `back` is where Cancel goes (default: the referring page
    of this site, else the start page)."""
    if confirmed():
        return None
    fields = [(name, value) for name, value in request.form.items(multi=True) if name != CONFIRMED]
    return render_template("confirm.html", question=question, detail=detail, action_label=action_label,
                           fields=fields, action=request.full_path.rstrip("?"), back=back or _referrer())


def _referrer() -> Optional[str]:
    """The page the form was on, when it is a page of this site (never somewhere else)."""
    referrer = request.referrer or ""
    parts = urlsplit(referrer)
    if referrer and parts.netloc == request.host and parts.path.startswith("/"):
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return None


def attributes(question: str, action_label: str) -> Markup:
    """The attributes that make a form ask `question` in a dialog before it is sent (static/forms.js);
    for templates: <form ... {{ confirm_attributes(_('Close the month?'), _('Close month')) }}>.
    "{name}" in the question stands for the value of the form's field `name` when the dialog opens
    (the text of a select's chosen option), so the dialog can ask what the server's page asks."""
    return Markup('data-confirm="{}" data-confirm-action="{}"').format(escape(question), escape(action_label))
